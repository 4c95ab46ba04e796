/** docs/formats/checkpoint.md shows what the code writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { formatGpt2Config, parseGpt2ConfigText } from '../../../../trainers/checkpoint/gpt2-config.ts';
import { fixtureConfig } from './helpers.ts';

const DOC = new URL('../../../../docs/formats/checkpoint.md', import.meta.url);

test('the config.json in docs/formats/checkpoint.md is what the code writes for the fixture, and parses back', async () => {
  const match = /```json\n([\s\S]*?)```/.exec(await readFile(DOC, 'utf8'));
  assert.ok(match?.[1], 'docs/formats/checkpoint.md has a json example');
  const config = await fixtureConfig();
  assert.equal(match[1], formatGpt2Config(config));
  assert.deepEqual(parseGpt2ConfigText(match[1], 'checkpoint.md'), config);
});
