import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costUsd, priceFor, priceTableFromConfig } from '../../../teacher/pricing.ts';
import { redact } from '../../../teacher/redact.ts';

const TABLE = { 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 }, 'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 } };

test('cost from the price table, dated model names priced as their base, unknown models free', () => {
  assert.equal(costUsd(TABLE, 'gpt-4o-mini', 1_000_000, 1_000_000), 0.75);
  assert.equal(priceFor(TABLE, 'gpt-4o-mini-2024-07-18'), TABLE['gpt-4o-mini']);
  assert.equal(priceFor(TABLE, 'gpt-4o-2024-08-06'), TABLE['gpt-4o']);
  assert.equal(costUsd(TABLE, 'local-model', 1000, 1000), 0);
  assert.deepEqual(priceTableFromConfig({ m: { input: 1, output: 2 } }), { m: { input_per_mtok: 1, output_per_mtok: 2 } });
});

test('redact removes the key, bearer tokens and key-shaped strings', () => {
  assert.equal(redact('bad key my-own-secret-value here', 'my-own-secret-value'), 'bad key [redacted] here');
  assert.equal(redact('Authorization: Bearer abc.def', ''), 'Authorization: Bearer [redacted]');
  assert.equal(redact('Incorrect API key provided: sk-proj-AbC123xyz.', 'other'), 'Incorrect API key provided: [redacted].');
});
