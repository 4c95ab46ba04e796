import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { defaultConfig } from '../../../common/config.ts';
import { corpusStats, openCorpus } from '../../../corpus/index.ts';
import { corpusStore } from '../../../corpus/pipeline-store.ts';
import { withLedger } from '../../../corpus/ledger-corpus.ts';
import { runEmbedded } from '../../../pipeline/run.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../../seeds/index.ts';
import type { RecordCodec } from '../../../streams/codec.ts';
import { teacherCacheDir } from '../../../teacher/cache.ts';
import { TeacherChain } from '../../../teacher/chain.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';


const codec: RecordCodec = defaultRegistry();
const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
function script(request: ChatRequest): string {
  const last = request.messages.at(-1)!.content;
  if (request.messages[0]!.role === 'system') return `Answer ${h(last)}.`;
  return Array.from({ length: 4 }, (_, i) => `<example>Describe item ${h(last + i)} in one sentence</example>`).join('\n');
}

async function run(dataDir: string, target: number, double: TeacherDouble, maxCost?: number) {
  const config = defaultConfig();
  config.dataDir = dataDir;
  config.sink = { maxRows: 25, maxAgeMs: 60_000 };
  config.teacher.concurrency = 4;
  const chain = new TeacherChain(double, { baseURL: 'double', budget: { concurrency: 4, rpm: 0, tpm: 0 }, cacheDir: teacherCacheDir(dataDir) });
  const corpus = await openCorpus(dataDir);
  const store = withLedger(corpus, chain.ledger);
  try {
    const pool = await loadSeedPool(undefined, { includeDefaults: true });
    const summary = await runEmbedded({
      config, target, store: corpusStore(store), teacher: chain, seeds: pool.seeds, topics: await loadTopics(), codec,
      ...(maxCost === undefined ? {} : { costLimit: chain.ledger.costLimit(maxCost) }),
    });
    await store.flush();
    return { summary, ledger: chain.ledger.totals };
  } finally {
    await corpus.close();
  }
}

test('a run commits every teacher call to teacher_requests; spend in stats is summed from the ledger', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-ledger-run-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const double = new TeacherDouble(script);
  const { ledger } = await run(dataDir, 30, double);
  const stats = await corpusStats(dataDir);
  assert.equal(stats.teacher.requests, double.requests.length, 'one ledger row per call, none left behind');
  assert.equal(stats.teacher.requests, ledger.requests);
  assert.ok(Math.abs(stats.teacher.spend_usd - 0.001 * double.requests.length) < 1e-9);
  assert.equal(stats.teacher.cache_hits, 0);
});

test('--max-cost stops planning before the limit, drains, and stops cleanly', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-ledger-run-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const double = new TeacherDouble(script);
  const { summary, ledger } = await run(dataDir, 10_000, double, 0.06);
  assert.equal(summary.stoppedBy, 'max_cost');
  assert.ok(ledger.spentUsd <= 0.06, `spent ${ledger.spentUsd}`);
  assert.ok(ledger.spentUsd > 0.03, `spent ${ledger.spentUsd}: it did not stop far too early`);
  assert.equal(summary.tasksDone, summary.tasksPlanned, 'the tasks in flight finished');
});
