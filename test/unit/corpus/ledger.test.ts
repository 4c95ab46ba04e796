import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { corpusStats, openCorpus, runQuery, schemaFingerprint, TABLES } from '../../../corpus/index.ts';
import { serializeManifest, type Manifest } from '../../../corpus/manifest.ts';
import { withLedger } from '../../../corpus/ledger-corpus.ts';
import { TeacherLedger, type LedgerEntry } from '../../../teacher/ledger.ts';
import { example, tempDataDir } from './fixtures.ts';

function entry(n: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: `req${n}`, request_hash: `h${n}`, task_number: n, model: 'gpt-4o-mini', status: 'ok', prompt_tokens: 100,
    completion_tokens: 50, cost_usd: 0.01, saved_usd: 0, retries: 0, cached: false, latency_ms: 200, error: '',
    created_at: Date.UTC(2026, 0, 1, 0, 0, n), server_model: '', ...over,
  };
}

test('ledger rows are committed with the sink commits as teacher_requests, queryable, and summed by stats', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  const ledger = new TeacherLedger();
  const store = withLedger(corpus, ledger);
  ledger.record(entry(1));
  ledger.record(entry(2, { retries: 2 }));
  await store.commit({ examples: [example(1)], doneTasks: [1] });
  assert.equal(ledger.pending, 0);
  assert.equal(corpus.manifest().tables.teacher_requests?.shards.length, 1);
  assert.equal(corpus.manifest().tables.examples.shards[0]?.seq, corpus.manifest().tables.teacher_requests?.shards[0]?.seq, 'one manifest version for both');
  ledger.record(entry(3, { status: 'cached', cached: true, cost_usd: 0, saved_usd: 0.01 }));
  ledger.record(entry(4, { status: 'TEACHER_RATE_LIMITED', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, retries: 6, error: 'rate limited' }));
  await store.flush(); // ledger rows alone
  await store.flush(); // nothing left: no new manifest
  assert.equal(corpus.manifest().sequence, 2);
  await corpus.close();

  const out = JSON.parse(await runQuery(dir, 'SELECT status, count(*) AS n, sum(cost_usd) AS usd FROM teacher_requests GROUP BY 1 ORDER BY 1', { format: 'json' })) as Array<Record<string, unknown>>;
  assert.deepEqual(out.map((r) => [r['status'], Number(r['n'])]), [['TEACHER_RATE_LIMITED', 1], ['cached', 1], ['ok', 2]]);
  const stats = await corpusStats(dir);
  assert.equal(stats.teacher.requests, 4);
  assert.equal(stats.teacher.cache_hits, 1);
  assert.equal(stats.teacher.failed, 1);
  assert.equal(stats.teacher.retries, 8);
  assert.ok(Math.abs(stats.teacher.spend_usd - 0.02) < 1e-12);
  assert.ok(Math.abs(stats.teacher.saved_usd - 0.01) < 1e-12);
});

test('a failed commit puts the ledger entries back', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  const ledger = new TeacherLedger();
  const store = withLedger(corpus, ledger);
  ledger.record(entry(1));
  await corpus.close(); // commits now fail
  await assert.rejects(store.commit({ examples: [example(1)] }));
  assert.equal(ledger.pending, 1);
});

test('an old corpus without teacher_requests stats to zero requests', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  await corpus.commit({ examples: [example(1)] });
  await corpus.close();
  const stats = await corpusStats(dir);
  assert.equal(stats.teacher.requests, 0);
  assert.equal(stats.teacher.spend_usd, 0);
});

test('a teacher_requests shard written before server_model existed stays readable (NULL there); the next commit describes the new column', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  const ledger = new TeacherLedger();
  ledger.record(entry(1, { server_model: 'dropped below' }));
  await withLedger(corpus, ledger).commit({ examples: [example(1)], doneTasks: [1] });
  await corpus.close();

  // Make that shard and its manifest entry what a writer before `server_model` made.
  const root = join(dir, 'corpus');
  const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
  const table = manifest.tables.teacher_requests!;
  const shard = table.shards[0]!;
  const path = join(root, shard.file);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT * EXCLUDE (server_model) FROM read_parquet('${path}')) TO '${path}.v1' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  await rename(`${path}.v1`, path);
  const bytes = await readFile(path);
  Object.assign(shard, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  table.columns = TABLES.teacher_requests.columns.filter((c) => c.name !== 'server_model');
  table.schema_fingerprint = schemaFingerprint(table.columns);
  await writeFile(join(root, 'manifest.json'), serializeManifest(manifest));

  const rows = async (): Promise<unknown[][]> =>
    (JSON.parse(await runQuery(dir, 'SELECT id, model, server_model FROM teacher_requests ORDER BY id', { format: 'json' })) as Array<Record<string, unknown>>)
      .map((r) => [r['id'], r['model'], r['server_model']]);
  assert.deepEqual(await rows(), [['req1', 'gpt-4o-mini', null]], 'the old shard reads with NULL in the new column');

  const again = await openCorpus(dir);
  const later = new TeacherLedger();
  later.record(entry(2, { model: 'local-gguf', server_model: '/models/q.gguf' }));
  await withLedger(again, later).commit({ examples: [example(2)], doneTasks: [2] });
  assert.deepEqual(again.manifest().tables.teacher_requests?.columns, TABLES.teacher_requests.columns);
  assert.equal(again.manifest().tables.teacher_requests?.schema_fingerprint, schemaFingerprint(TABLES.teacher_requests.columns));
  await again.close();
  assert.deepEqual(await rows(), [['req1', 'gpt-4o-mini', null], ['req2', 'local-gguf', '/models/q.gguf']]);
  assert.deepEqual(Object.keys((await corpusStats(dir)).teacher.by_model).sort(), ['gpt-4o-mini', 'local-gguf']);
});
