/**
 * The results store: rows appended by several writers read back whole, invalid rows refused before anything is
 * written, a damaged file named, and `lamini query`'s view `results` over the same files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isLaminiError } from '../../../common/errors.ts';
import { runQuery } from '../../../corpus/index.ts';
import { appendResults, readResults, resultId, resultsDir, type ResultRow } from '../../../eval/index.ts';

async function dataDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-results-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function row(over: Partial<ResultRow> = {}): ResultRow {
  const base = { run_id: 'run-1', checkpoint: '/ckpt/a', task: 'sciq', metric: 'acc', item: null };
  return {
    id: resultId({ ...base, ...over }),
    source: 'eval', corpus_seq: 3, corpus_hash: '0123456789abcdef', value: 0.5, stderr: 0.1, n: 20, label: null,
    details: { wrapper: true }, created_at: '2026-12-05T04:00:00.000Z',
    ...base, ...over,
  };
}

test('appended rows come back in order, from any number of appends; latest keeps the newest per id', async (t) => {
  const dir = await dataDir(t);
  assert.deepEqual(await readResults(dir), [], 'no results folder yet: no rows');
  const a = [row(), row({ metric: 'acc_norm', value: 0.75 })];
  const rating = row({ source: 'rate', task: 'user-instructions', metric: 'rating', item: 'inst-1', label: 'B', value: 3, stderr: null, n: 1, details: null });
  await appendResults(dir, a);
  await appendResults(dir, [rating]);
  assert.equal(await appendResults(dir, []), undefined, 'nothing to write: no file');
  assert.equal((await readdir(resultsDir(dir))).length, 2);
  assert.deepEqual(await readResults(dir), [...a, rating]);
  const changed = { ...rating, label: 'A', value: 4, created_at: '2026-12-05T04:05:00.000Z' };
  await appendResults(dir, [changed]);
  const latest = await readResults(dir, { latest: true });
  assert.equal(latest.length, 3);
  assert.deepEqual(latest.find((r) => r.id === rating.id), changed);
});

test('invalid rows are RESULTS_INVALID with each problem, and nothing is written', async (t) => {
  const dir = await dataDir(t);
  const bad = { ...row(), value: Number.NaN, n: -1, created_at: 'yesterday' };
  await assert.rejects(appendResults(dir, [row(), bad]), (e: unknown) => {
    assert.ok(isLaminiError(e, ErrorCodes.RESULTS_INVALID));
    assert.deepEqual(e.details['problems'], [
      'rows[1].value: must be a finite number or null',
      'rows[1].n: must be an integer >= 0',
      'rows[1].created_at: must be an ISO 8601 UTC time',
    ]);
    return true;
  });
  assert.deepEqual(await readResults(dir), []);
});

test('a damaged results file is RESULTS_CORRUPT naming the file and line', async (t) => {
  const dir = await dataDir(t);
  const file = await appendResults(dir, [row()]);
  assert.ok(file !== undefined);
  await chmod(file, 0o644);
  await writeFile(file, `${JSON.stringify(row())}\n{"id": 1}\n`);
  await assert.rejects(readResults(dir), (e: unknown) => isLaminiError(e, ErrorCodes.RESULTS_CORRUPT) && /:2: /.test(e.message));
});

test('lamini query sees the rows as the view results, and an empty view before any', async (t) => {
  const dir = await dataDir(t);
  const empty = JSON.parse(await runQuery(dir, 'SELECT count(*) AS n FROM results', { format: 'json' })) as Array<{ n: number | string }>;
  assert.equal(Number(empty[0]?.n), 0);
  await appendResults(dir, [row(), row({ metric: 'acc_norm', value: 0.75, stderr: null })]);
  await appendResults(dir, [row({ checkpoint: '/ckpt/b', value: 0.25 })]);
  const out = JSON.parse(await runQuery(dir,
    "SELECT checkpoint, metric, value, stderr, corpus_seq, details->>'wrapper' AS wrapper FROM results ORDER BY checkpoint, metric", { format: 'json' }));
  assert.deepEqual(out, [
    { checkpoint: '/ckpt/a', metric: 'acc', value: 0.5, stderr: 0.1, corpus_seq: 3, wrapper: 'true' },
    { checkpoint: '/ckpt/a', metric: 'acc_norm', value: 0.75, stderr: null, corpus_seq: 3, wrapper: 'true' },
    { checkpoint: '/ckpt/b', metric: 'acc', value: 0.25, stderr: 0.1, corpus_seq: 3, wrapper: 'true' },
  ]);
});

test('fields outside the columns are not written', async (t) => {
  const dir = await dataDir(t);
  const extra = { ...row(), rater: 'someone' };
  await appendResults(dir, [extra]);
  assert.deepEqual(await readResults(dir), [row()]);
});
