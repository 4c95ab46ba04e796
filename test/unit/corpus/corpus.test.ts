import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, access } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openCorpus, readManifest, TABLES } from '../../../corpus/index.ts';
import { isLaminiError } from '../../../common/errors.ts';
import { deadLetter, dropped, example, tempDataDir } from './fixtures.ts';

async function readParquet(file: string, sql = 'SELECT * FROM t'): Promise<{ names: string[]; types: string[]; rows: unknown[][] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE VIEW t AS SELECT * FROM read_parquet('${file}')`);
    const reader = await conn.runAndReadAll(sql);
    const d = await conn.runAndReadAll('DESCRIBE t');
    const described = d.getRowsJS();
    return { names: described.map((r) => String(r[0])), types: described.map((r) => String(r[1])), rows: reader.getRowsJS() };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

test('commit writes one shard per non-empty table under one manifest, and reopen reads the ids back', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  assert.equal(corpus.manifest().sequence, 0);
  const m1 = await corpus.commit({
    examples: [example(1), example(2), example(3)],
    dropped: [dropped(1)],
    deadLetters: [deadLetter(1)],
    doneTasks: [0, 1, 2, 3],
    positions: [{ topic: 'lamini.examples', partition: 0, offset: 3 }],
    runSeed: 7,
  });
  assert.equal(m1.sequence, 1);
  assert.deepEqual(m1.tables.examples.shards.map((s) => [s.seq, s.file, s.rows, s.min_id, s.max_id]), [
    [1, 'shards/examples-00000001.parquet', 3, 'ex0001', 'ex0003'],
  ]);
  assert.equal(m1.tables.dropped.shards[0]?.file, 'dropped/dropped-00000001.parquet');
  assert.equal(m1.tables.dead_letters.shards[0]?.file, 'dead_letters/dead_letters-00000001.parquet');
  assert.deepEqual(m1.progress, {
    run_seed: 7,
    task_watermark: 3,
    done_tasks_above: [],
    positions: [{ topic: 'lamini.examples', partition: 0, offset: 3 }],
  });
  const m2 = await corpus.commit({ examples: [example(4)], doneTasks: [5] });
  assert.equal(m2.sequence, 2);
  assert.equal(m2.tables.dropped.shards.length, 1, 'an empty table gets no shard');
  assert.deepEqual(m2.totals, { examples: 4, dead_letters: 1, dropped: 1, prompt_tokens: 40, completion_tokens: 80, cost_usd: 0.004 });
  await corpus.close();

  const again = await openCorpus(dir);
  t.after(() => again.close());
  assert.equal(again.orphansRemoved, 0);
  assert.deepEqual(again.manifest(), await readManifest(dir));
  assert.deepEqual([...(await again.committedExampleIds())].sort(), ['ex0001', 'ex0002', 'ex0003', 'ex0004']);
  assert.deepEqual([...(await again.committedInstructionIds())].sort(), ['in0001', 'in0002', 'in0003', 'in0004']);
  const shard = m2.tables.examples.shards[0]!;
  const bytes = await readFile(join(dir, 'corpus', shard.file));
  assert.equal(bytes.length, shard.bytes);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), shard.sha256);
  assert.equal((await stat(join(dir, 'corpus', shard.file))).mode & 0o777, 0o444, 'shards are read-only files');
});

test('shards have exactly the designed columns and types, and values survive the trip', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  const odd = 'quote " comma , newline \n tab \t nul \u0000 emoji 😀 lone \ud800 end \\ud800';
  await corpus.commit({
    examples: [example(1, { instruction: odd, input: 'x : y', seed_ids: [], topics: ['a,b', 'ü'] })],
    deadLetters: [deadLetter(9)],
    dropped: [dropped(2)],
  });
  const ex = await readParquet(join(dir, 'corpus/shards/examples-00000001.parquet'));
  assert.deepEqual(ex.names, TABLES.examples.columns.map((c) => c.name));
  assert.deepEqual(ex.types, TABLES.examples.columns.map((c) => c.type));
  const row = ex.rows[0]!;
  assert.equal(row[1], odd.replace('\ud800', '\ufffd'), 'a lone surrogate becomes U+FFFD; the escaped text stays');
  assert.equal(row[2], 'x : y');
  assert.deepEqual(row[6], []);
  assert.deepEqual(row[7], ['a,b', 'ü']);
  assert.equal(row[10], 10n);
  assert.equal((row[13] as Date).toISOString(), '2025-01-02T03:04:05.001Z');
  assert.equal(row[15], 1n);
  const dl = await readParquet(join(dir, 'corpus/dead_letters/dead_letters-00000001.parquet'));
  assert.deepEqual(dl.names, TABLES.dead_letters.columns.map((c) => c.name));
  assert.deepEqual(dl.types, TABLES.dead_letters.columns.map((c) => c.type));
  assert.deepEqual([...(dl.rows[0]![7] as Uint8Array)], [0, 1, 2, 255, 9]);
  const dr = await readParquet(join(dir, 'corpus/dropped/dropped-00000001.parquet'));
  assert.deepEqual(dr.names, TABLES.dropped.columns.map((c) => c.name));
});

test('a commit writes each id once, and a commit that changes nothing publishes nothing', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  const m1 = await corpus.commit({ examples: [example(1), example(1, { response: 'second copy' }), example(2)] });
  assert.equal(m1.tables.examples.shards[0]?.rows, 2);
  assert.equal(m1.totals.examples, 2);
  assert.equal(await corpus.commit({}), m1);
  assert.equal(await corpus.commit({ doneTasks: [-1], positions: [] }), m1);
  const m2 = await corpus.commit({ positions: [{ topic: 't', partition: 1, offset: 5 }] });
  assert.equal(m2.sequence, 2, 'progress alone is worth a manifest');
  assert.equal(m2.tables.examples.shards.length, 1);
  const m3 = await corpus.commit({ positions: [{ topic: 't', partition: 1, offset: 4 }] });
  assert.equal(m3, m2, 'an offset never moves back');
});

test('the watermark advances through contiguous tasks across commits', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  let m = await corpus.commit({ doneTasks: [1, 2, 5] });
  assert.deepEqual([m.progress.task_watermark, m.progress.done_tasks_above], [-1, [1, 2, 5]]);
  m = await corpus.commit({ doneTasks: [0] });
  assert.deepEqual([m.progress.task_watermark, m.progress.done_tasks_above], [2, [5]]);
  m = await corpus.commit({ doneTasks: [4, 3, 2] });
  assert.deepEqual([m.progress.task_watermark, m.progress.done_tasks_above], [5, []]);
});

test('a different run seed is refused', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  await corpus.commit({ runSeed: 1, doneTasks: [0] });
  await assert.rejects(corpus.commit({ runSeed: 2, doneTasks: [1] }), (e) => isLaminiError(e, 'CORPUS_RUN_SEED_MISMATCH'));
  assert.equal((await corpus.commit({ runSeed: 1, doneTasks: [1] })).progress.task_watermark, 1);
});

test('one writer per data dir; a stale lock is taken over', async (t) => {
  const dir = await tempDataDir(t);
  const first = await openCorpus(dir);
  await assert.rejects(openCorpus(dir), (e) => isLaminiError(e, 'CORPUS_LOCKED') && /another writer/.test(e.message));
  await first.close();
  await assert.rejects(first.commit({ doneTasks: [0] }), (e) => isLaminiError(e, 'CORPUS_WRITE_FAILED'));
  const lock = join(dir, 'corpus/.lock');
  await assert.rejects(access(lock), 'close releases the lock');
  // A lock left by a process that is gone (pid 2^22 + 1 is above Linux's pid_max default).
  const { hostname } = await import('node:os');
  await writeFile(lock, JSON.stringify({ pid: 4194305, hostname: hostname(), started_at: '2025-01-01T00:00:00Z' }));
  const second = await openCorpus(dir);
  assert.equal(JSON.parse(await readFile(lock, 'utf8')).pid, process.pid);
  await second.close();
});

test('commits queue up: concurrent calls publish consecutive sequences', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  const results = await Promise.all([1, 2, 3].map((n) => corpus.commit({ examples: [example(n)], doneTasks: [n - 1] })));
  assert.deepEqual(results.map((m) => m.sequence), [1, 2, 3]);
  assert.deepEqual(corpus.manifest().tables.examples.shards.map((s) => s.seq), [1, 2, 3]);
  assert.equal(corpus.manifest().progress.task_watermark, 2);
});
