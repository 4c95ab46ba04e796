#!/usr/bin/env node
/**
 * `node scripts/install-tensorflow.mjs [--quiet]`: checks the Node version (plain JavaScript any Node can
 * load; see cli/node-check.mjs), then runs scripts/install-tensorflow.ts.
 */
import { requireNode } from '../cli/node-check.mjs';

requireNode('install-tensorflow', { typescript: true });
await import('./install-tensorflow.ts');
