import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openCorpus, runQuery } from '../../../corpus/index.ts';
import { openReadOnly } from '../../../corpus/views.ts';
import { isLaminiError } from '../../../common/errors.ts';
import { deadLetter, dropped, example, tempDataDir } from './fixtures.ts';

async function seeded(t: Parameters<typeof tempDataDir>[0]): Promise<string> {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  await corpus.commit({
    examples: [example(1, { instruction: 'Say "hi", then\nstop', topics: ['a,b'] }), example(2)],
    dropped: [dropped(1)],
    deadLetters: [deadLetter(1)],
  });
  await corpus.commit({ examples: [example(3, { prompt_tokens: 123456 })] });
  await corpus.close();
  return dir;
}

/** Path -> sha256 of every file under `dir`. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) out.set(entry, createHash('sha256').update(await readFile(path)).digest('hex'));
  }
  return out;
}

test('json: one array of objects, BIGINT as numbers, timestamps ISO, lists as arrays', async (t) => {
  const dir = await seeded(t);
  const out = await runQuery(dir, 'SELECT id, prompt_tokens, topics, created_at, sum(prompt_tokens) OVER () AS total FROM examples ORDER BY id', { format: 'json' });
  assert.deepEqual(JSON.parse(out), [
    { id: 'ex0001', prompt_tokens: 10, topics: ['a,b'], created_at: '2025-01-02T03:04:05.001Z', total: 123476 },
    { id: 'ex0002', prompt_tokens: 10, topics: ['Oceans', 'Animals', 'Biology'], created_at: '2025-01-02T03:04:05.002Z', total: 123476 },
    { id: 'ex0003', prompt_tokens: 123456, topics: [], created_at: '2025-01-02T03:04:05.003Z', total: 123476 },
  ]);
  const big = JSON.parse(await runQuery(dir, 'SELECT 9007199254740993::BIGINT AS b, DATE \'2025-03-04\' AS d, octet_length(payload) AS p, payload FROM dead_letters', { format: 'json' }));
  assert.deepEqual(big, [{ b: '9007199254740993', d: '2025-03-04', p: 5, payload: Buffer.from([0, 1, 2, 255, 1]).toString('base64') }]);
});

test('csv follows RFC 4180 and table aligns columns', async (t) => {
  const dir = await seeded(t);
  const csv = await runQuery(dir, "SELECT id, instruction, prompt_tokens FROM examples WHERE id IN ('ex0001', 'ex0003') ORDER BY id", { format: 'csv' });
  assert.equal(csv, 'id,instruction,prompt_tokens\r\nex0001,"Say ""hi"", then\nstop",10\r\nex0003,Name 3 animals that live in the sea.,123456\r\n');
  const table = await runQuery(dir, 'SELECT id, prompt_tokens, NULL AS nothing FROM examples ORDER BY id');
  assert.equal(
    table,
    [
      'id     | prompt_tokens | nothing',
      '-------+---------------+--------',
      'ex0001 |            10 |    NULL',
      'ex0002 |            10 |    NULL',
      'ex0003 |        123456 |    NULL',
      '(3 rows)',
      '',
    ].join('\n'),
  );
});

test('every view exists with its columns, empty when nothing was committed', async (t) => {
  const dir = await tempDataDir(t);
  const counts = JSON.parse(await runQuery(dir, `SELECT (SELECT count(*) FROM examples) e, (SELECT count(*) FROM dead_letters) d,
    (SELECT count(*) FROM dropped) r, (SELECT count(*) FROM teacher_requests) t, (SELECT count(*) FROM results) s`, { format: 'json' }));
  assert.deepEqual(counts, [{ e: 0, d: 0, r: 0, t: 0, s: 0 }]);
  const columns = JSON.parse(await runQuery(dir, 'SELECT column_name, column_type FROM (DESCRIBE examples)', { format: 'json' }));
  assert.deepEqual(columns.map((c: { column_name: string }) => c.column_name).slice(0, 4), ['id', 'instruction', 'input', 'response']);
  assert.equal(columns.find((c: { column_name: string }) => c.column_name === 'seed_ids').column_type, 'VARCHAR[]');
});

test('bad SQL is QUERY_FAILED with DuckDB’s one-line message', async (t) => {
  const dir = await seeded(t);
  for (const sql of ['SELEC 1', 'SELECT nope FROM examples', 'SELECT * FROM missing_table', '']) {
    await assert.rejects(runQuery(dir, sql), (e) => isLaminiError(e, 'QUERY_FAILED') && !e.message.includes('\n') && e.message.length > 0, sql);
  }
  await assert.rejects(runQuery(dir, 'SELEC 1'), (e) => isLaminiError(e) && /^Parser Error: syntax error at or near "SELEC"$/.test(e.message));
});

test('read only: writes, outside files, extensions and settings all fail, and no file changes', async (t) => {
  const dir = await seeded(t);
  const outside = await tempDataDir(t);
  const shard = join(dir, 'corpus/shards/examples-00000001.parquet');
  const before = await snapshot(dir);
  const attacks = [
    `COPY examples TO '${outside}/x.csv'`,
    `COPY (SELECT 1) TO '${shard}' (FORMAT parquet, USE_TMP_FILE false)`,
    `COPY (SELECT 1) TO '${join(dir, 'corpus/shards/new.parquet')}' (FORMAT parquet)`,
    `ATTACH '${outside}/x.db'`,
    `ATTACH '${outside}/x.db' AS x; CREATE TABLE x.t AS SELECT 1`,
    `CREATE TABLE t AS SELECT 1`,
    `EXPORT DATABASE '${outside}/export'`,
    `INSTALL httpfs`,
    `LOAD httpfs`,
    `SET enable_external_access = true`,
    `RESET enable_external_access`,
    `SET allowed_directories = ['/']`,
    `SELECT * FROM read_csv('/etc/passwd')`,
    `SELECT * FROM read_text('${join(dir, 'corpus/manifest.json')}')`,
    `SELECT * FROM glob('/etc/*')`,
    `EXPLAIN ANALYZE COPY (SELECT 1) TO '${outside}/y.csv'`,
  ];
  for (const sql of attacks) {
    await assert.rejects(runQuery(dir, sql), (e) => isLaminiError(e, 'QUERY_FAILED') || isLaminiError(e, 'QUERY_NOT_READ_ONLY'), sql);
  }
  assert.deepEqual(await snapshot(dir), before);
  assert.deepEqual(await readdir(outside), []);
  assert.match(await runQuery(dir, 'EXPLAIN ANALYZE SELECT count(*) FROM examples'), /explain_value|analyzed_plan/);
  assert.match(await runQuery(dir, 'SUMMARIZE examples'), /instruction_source/);
});

test('read only holds in DuckDB’s own settings, under the statement check', async (t) => {
  const dir = await seeded(t);
  const outside = await tempDataDir(t);
  const corpus = await openReadOnly(dir);
  t.after(() => corpus.close());
  const attacks: [string, RegExp][] = [
    [`COPY examples TO '${outside}/x.csv'`, /Permission Error/],
    [`ATTACH '${outside}/x.db'`, /Permission Error/],
    [`EXPORT DATABASE '${outside}/export'`, /Permission Error/],
    [`INSTALL httpfs`, /Permission Error/],
    [`LOAD httpfs`, /Permission Error/],
    [`SET enable_external_access = true`, /configuration has been locked/],
    [`SET allowed_paths = ['/etc/passwd']`, /configuration has been locked/],
    [`SELECT * FROM read_csv('/etc/passwd')`, /Permission Error/],
  ];
  for (const [sql, expected] of attacks) {
    await assert.rejects(corpus.conn.run(sql), (e) => expected.test((e as Error).message), sql);
  }
  assert.deepEqual(await readdir(outside), []);
});

test('queries see whole commits while a writer is committing', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  const batches = 6;
  const perBatch = 2000;
  const writing = (async () => {
    for (let b = 0; b < batches; b += 1) {
      await corpus.commit({ examples: Array.from({ length: perBatch }, (_, i) => example(b * perBatch + i, { id: `ex-${b}-${i}` })) });
    }
  })();
  const seen = new Set<number>();
  let done = false;
  void writing.finally(() => (done = true));
  while (!done) {
    const [row] = JSON.parse(await runQuery(dir, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM examples', { format: 'json' }));
    assert.equal(row.n % perBatch, 0, 'a query never sees part of a commit');
    assert.equal(row.n, row.d);
    seen.add(row.n);
  }
  await writing;
  const [last] = JSON.parse(await runQuery(dir, 'SELECT count(*) AS n FROM examples', { format: 'json' }));
  assert.equal(last.n, batches * perBatch);
});
