#!/usr/bin/env node
/**
 * The `lamini` command (package.json `bin`; `node cli/lamini.mjs ARGS` in a checkout). Checks the Node
 * version first, in plain JavaScript any Node can load, then runs the CLI: the TypeScript source (cli/main.ts)
 * where Node strips types and the file is not under node_modules (Node strips no types there), else the
 * build (dist/cli/main.js, from `npm run build`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeProblem, requireNode } from './node-check.mjs';

requireNode('lamini');
const underNodeModules = /[\\/]node_modules[\\/]/.test(fileURLToPath(import.meta.url));
const built = new URL('../dist/cli/main.js', import.meta.url);
if (!underNodeModules && nodeProblem('lamini', { typescript: true }) === undefined) {
  await import('./main.ts');
} else if (existsSync(built)) {
  await import(built.href);
} else {
  requireNode('lamini', { typescript: true });
  process.stderr.write('lamini: no build to run: run "npm run build" first\n');
  process.exit(1);
}
