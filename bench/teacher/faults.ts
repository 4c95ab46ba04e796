/**
 * Every fault the scripted teacher can inject, each on 10% of requests (429 with Retry-After, 500, a hang
 * past the client timeout, a JSON body cut off half-way, a slow stream whose body trickles in for longer than
 * the client timeout, a reply without the asked-for format), under a whole
 * embedded run through the teacher chain (retries, budgets, cache, ledger) into a real corpus. Then, from the
 * committed corpus alone: every planned task ends with its outputs answered, dropped as duplicates or in the
 * dead letters (none lost), no instruction is answered twice, and no request is paid twice. One JSON line.
 *
 *   node bench/teacher/faults.ts [--target 300] [--rate 0.1] [--seed 1]
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultConfig } from '../../common/config.ts';
import { openCorpus, readManifest, corpusDir } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { withLedger } from '../../corpus/ledger-corpus.ts';
import { runEmbedded } from '../../pipeline/run.ts';
import { defaultRegistry } from '../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../seeds/index.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import { teacherCacheDir } from '../../teacher/cache.ts';
import { TeacherChain } from '../../teacher/chain.ts';
import { OpenAITeacher } from '../../teacher/openai-teacher.ts';
import { startScriptedTeacher, type ScriptStep } from '../../test/helpers/scripted-teacher.ts';
import { commit, flag } from './common.ts';

const target = flag('target', 300);
const rate = flag('rate', 0.1);
const seed = flag('seed', 1);
const FAULTS: ScriptStep[] = [
  { kind: 'status', status: 429, retryAfterSeconds: 0 },
  { kind: 'status', status: 500 },
  { kind: 'hang' },
  { kind: 'truncated' },
  // 8 pieces 300 ms apart: headers at once, the body complete only after 2.4 s, past the 1 s client timeout.
  { kind: 'slow-body', delayMs: 300, chunks: 8 },
  { kind: 'no-tags' },
];
const injected: Record<string, number> = {};

const server = await startScriptedTeacher({
  script: (ctx, index) => {
    const u = createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0) / 2 ** 32;
    const fault = FAULTS[Math.floor(u / rate)];
    if (fault === undefined) return ctx.fallback();
    const name = fault.kind === 'status' ? String(fault.status) : fault.kind;
    injected[name] = (injected[name] ?? 0) + 1;
    return fault;
  },
});
const dataDir = await mkdtemp(join(tmpdir(), 'lamini-bench-faults-'));
const config = defaultConfig();
config.dataDir = dataDir;
config.teacher.concurrency = 16;
config.sink = { maxRows: 100, maxAgeMs: 1_000 };
config.run = { ...config.run, stallTimeoutMs: 120_000 };
const client = new OpenAITeacher({ baseURL: server.baseURL, apiKey: '', model: server.model, timeoutMs: 1_000, maxRetries: 0, prices: { [server.model]: { input_per_mtok: 0.15, output_per_mtok: 0.6 } } });
const chain = new TeacherChain(client, {
  baseURL: server.baseURL, budget: { concurrency: 32, rpm: 0, tpm: 0 }, cacheDir: teacherCacheDir(dataDir),
  retry: { maxRetries: 6, baseDelayMs: 50, maxDelayMs: 2_000, maxElapsedMs: 30_000 },
});

const codec: RecordCodec = defaultRegistry();
const pool = await loadSeedPool(undefined, { includeDefaults: true });
const corpus = await openCorpus(dataDir);
const store = withLedger(corpus, chain.ledger);
const started = performance.now();
const summary = await runEmbedded({ config, target, store: corpusStore(store), teacher: chain, seeds: pool.seeds, topics: await loadTopics(), codec });
await store.flush();
await corpus.close();
const elapsed = (performance.now() - started) / 1000;

// The verdict comes from the committed files alone.
const manifest = await readManifest(dataDir);
const root = corpusDir(dataDir);
const files = (t: 'examples' | 'dead_letters' | 'dropped' | 'teacher_requests'): string =>
  `[${(manifest.tables[t]?.shards ?? []).map((s) => `'${join(root, s.file)}'`).join(', ') || "''"}]`;
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const one = async (sql: string): Promise<number> => Number((await conn.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0);
const has = (t: 'examples' | 'dead_letters' | 'dropped' | 'teacher_requests'): boolean => (manifest.tables[t]?.shards.length ?? 0) > 0;
const taskSet = (t: 'examples' | 'dead_letters' | 'dropped'): string =>
  has(t) ? `SELECT DISTINCT task_number AS k FROM read_parquet(${files(t)})` : 'SELECT NULL::BIGINT AS k WHERE false';
const planned = summary.tasksPlanned;
await conn.run(`CREATE TABLE planned AS SELECT range AS k FROM range(${planned})`);
const lost = await one(`SELECT count(*) FROM planned WHERE k NOT IN (${taskSet('examples')}) AND k NOT IN (${taskSet('dead_letters')}) AND k NOT IN (${taskSet('dropped')})`);
const answeredTasks = await one(`SELECT count(*) FROM planned WHERE k IN (${taskSet('examples')})`);
const deadTasks = await one(`SELECT count(*) FROM planned WHERE k NOT IN (${taskSet('examples')}) AND k IN (${taskSet('dead_letters')})`);
const examples = await one(`SELECT count(*) FROM read_parquet(${files('examples')})`);
const answeredTwice = await one(`SELECT count(*) - count(DISTINCT instruction_id) FROM read_parquet(${files('examples')})`);
const paidTwice = has('teacher_requests')
  ? await one(`SELECT count(*) FROM (SELECT request_hash FROM read_parquet(${files('teacher_requests')}) WHERE status = 'ok' GROUP BY 1 HAVING count(*) > 1)`)
  : 0;
const deadByReason = has('dead_letters')
  ? Object.fromEntries((await conn.runAndReadAll(`SELECT reason, count(*) FROM read_parquet(${files('dead_letters')}) GROUP BY 1 ORDER BY 2 DESC`)).getRowsJS().map(([r, n]) => [String(r), Number(n)]))
  : {};
const ledgerRows = has('teacher_requests') ? await one(`SELECT count(*) FROM read_parquet(${files('teacher_requests')})`) : 0;
conn.closeSync();
db.closeSync();

process.stdout.write(`${JSON.stringify({
  name: 'teacher.faults',
  commit: commit(),
  params: { target, rate_per_fault: rate, faults: FAULTS.map((f) => (f.kind === 'status' ? String(f.status) : f.kind)), client_timeout_ms: 1_000, seed },
  elapsed_s: +elapsed.toFixed(1),
  stopped_by: summary.stoppedBy,
  tasks_planned: planned,
  tasks_done: manifest.progress.task_watermark + 1 + manifest.progress.done_tasks_above.length,
  tasks_with_answers: answeredTasks,
  tasks_only_dead_lettered: deadTasks,
  tasks_lost: lost,
  examples,
  answered_twice: answeredTwice,
  requests_paid_twice: paidTwice,
  dead_letters_by_reason: deadByReason,
  http_requests: server.count,
  faults_injected: injected,
  retries: chain.ledger.totals.retries,
  ledger_rows: ledgerRows,
  ledger_calls: chain.ledger.totals.requests,
})}\n`);
await chain.close();
await server.close();
await rm(dataDir, { recursive: true, force: true });
