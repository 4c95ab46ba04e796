/**
 * The default path a new user takes: `lamini run` with nothing configured starts the real local teacher
 * (SmolLM2-135M-Instruct GGUF through node-llama-cpp, fetched once into the cache) and commits examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamini } from '../../helpers/cli.ts';

test('lamini run with the local teacher commits examples with the model recorded as their teacher', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-local-run-'));
  const r = await lamini(['run', '--target', '5', '--data-dir', dir], {}, 300_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /starting the local teacher/);
  const q = await lamini(['query', 'select teacher_model, count(*) as n, min(length(response)) as shortest from examples group by 1', '--format', 'json', '--data-dir', dir]);
  assert.equal(q.code, 0, q.stderr);
  const rows = JSON.parse(q.stdout) as Array<{ teacher_model: string; n: number; shortest: number }>;
  assert.equal(rows.length, 1);
  assert.match(rows[0]!.teacher_model, /SmolLM2-135M-Instruct/);
  assert.ok(rows[0]!.n >= 5);
  assert.ok(rows[0]!.shortest > 0, 'every response has text');
});
