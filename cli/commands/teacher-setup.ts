/**
 * The teacher of a run: the configured OpenAI-compatible server, or — with no base URL — the local
 * teacher started in this process, wrapped in the chain (ledger, response cache under the data dir, retries,
 * budgets). Returns the config the run should use (the local teacher serves one request at a time, so more
 * than two in flight only queue). `withLedger(corpus)` makes the corpus commit the ledger with every commit;
 * `close()` commits what is left of it, then stops the teacher.
 */
import { join } from 'node:path';
import type { Config } from '../../common/config.ts';
import type { Corpus } from '../../corpus/index.ts';
import { withLedger, type LedgerCorpus } from '../../pipeline/ledger-corpus.ts';
import { createTeacher, teacherCacheDir, teacherConfigFromAppConfig, TeacherLedger, type Teacher } from '../../teacher/index.ts';
import type { TeacherChain } from '../../teacher/index.ts';

export interface RunTeacher {
  teacher: Teacher;
  chain: TeacherChain;
  ledger: TeacherLedger;
  config: Config;
  withLedger(corpus: Corpus): LedgerCorpus;
  close(): Promise<void>;
}

export async function openTeacher(config: Config, log: (line: string) => void): Promise<RunTeacher> {
  const local = config.teacher.baseUrl === '';
  if (local) log('teacher: starting the local teacher (set OPENAI_BASE_URL or --teacher-url to use another)');
  // Entries are kept once a corpus will commit them (`withLedger`); until then only the totals.
  const ledger = new TeacherLedger({ keepEntries: false });
  const batch = config.teacher.mode === 'batch';
  // The local teacher serves one request at a time; a batch takes minutes to hours, so the run waits for it.
  const runConfig: Config = local
    ? { ...config, teacher: { ...config.teacher, concurrency: Math.min(config.teacher.concurrency, 2) } }
    : batch
      ? { ...config, run: { ...config.run, stallTimeoutMs: Math.max(config.run.stallTimeoutMs, 25 * 3_600_000) } }
      : config;
  if (batch) log(`teacher: batch mode, ${config.teacher.batchSize} requests a batch (set --concurrency near it: calls in flight fill a batch)`);
  const chain = await createTeacher({
    ...teacherConfigFromAppConfig(runConfig.teacher),
    ...(config.teacher.structuredOutput === 'tags' ? { structuredOutput: false } : {}),
    ...(config.teacher.cache ? { cacheDataDir: config.dataDir } : {}),
    batch: {
      stateDir: join(teacherCacheDir(config.dataDir), 'batches'), maxBatchSize: config.teacher.batchSize,
      flushAfterMs: config.teacher.batchFlushMs, pollMs: config.teacher.batchPollMs,
    },
    ledger,
    local: { log },
  });
  let bound: LedgerCorpus | undefined;
  return {
    teacher: chain,
    chain,
    ledger,
    config: runConfig,
    withLedger(corpus) {
      ledger.keepEntries = true;
      bound = withLedger(corpus, ledger);
      return bound;
    },
    async close() {
      try {
        await bound?.flush();
      } finally {
        await chain.close();
      }
    },
  };
}
