/**
 * The teachers of a run: the configured OpenAI-compatible server, or — with no base URL — the local
 * teacher started in this process, wrapped in the chain (ledger, response cache under the data dir, retries,
 * budgets). `teacher.instruction` / `teacher.response` may name a second teacher for one kind of call; both
 * record into one ledger. Returns the config the run should use (the local teacher serves one request at a
 * time, so more than two in flight only queue). `withLedger(corpus)` makes the corpus commit the ledger with
 * every commit; `close()` commits what is left of it, then stops the teachers.
 */
import { join } from 'node:path';
import { roleTeacherConfig, TEACHER_ROLES, type Config, type TeacherConfig, type TeacherRole } from '../../common/config.ts';
import type { Corpus } from '../../corpus/index.ts';
import { withLedger, type LedgerCorpus } from '../../corpus/ledger-corpus.ts';
import { createRoleTeachers, teacherCacheDir, teacherConfigFromAppConfig, TeacherLedger, type CreateTeacherConfig, type SharedBudget, type Teacher } from '../../teacher/index.ts';

export interface RunTeacher {
  /** The instruction (generate) calls' teacher. */
  teacher: Teacher;
  /** The response (respond) calls' teacher: `teacher` itself unless a second one is configured. */
  responseTeacher: Teacher;
  ledger: TeacherLedger;
  /** The budgets (rpm, tpm) of each role's teacher: shared among a stage's members on Kafka (docs/budgets.md). */
  budgets: Record<TeacherRole, SharedBudget>;
  /** Whether both roles call one teacher (one budget). */
  oneTeacher: boolean;
  config: Config;
  withLedger(corpus: Corpus): LedgerCorpus;
  close(): Promise<void>;
}

/** `only`: a process that makes one kind of call (`lamini operator generate|respond`) opens only that teacher. */
export async function openTeacher(config: Config, log: (line: string) => void, only?: TeacherRole): Promise<RunTeacher> {
  const batch = config.teacher.mode === 'batch';
  // A batch takes minutes to hours, so the run waits for it.
  const runConfig: Config = {
    ...config,
    teacher: capLocalConcurrency(config.teacher),
    ...(batch ? { run: { ...config.run, stallTimeoutMs: Math.max(config.run.stallTimeoutMs, 25 * 3_600_000) } } : {}),
  };
  // The settings the run uses are these, not the file's: say where they differ, so no figure shown is one not used.
  if (runConfig.run.stallTimeoutMs !== config.run.stallTimeoutMs) {
    log(`teacher: batch mode, so the stall timeout is ${Math.round(runConfig.run.stallTimeoutMs / 3_600_000)} h (run.stallTimeoutMs is ${Math.round(config.run.stallTimeoutMs / 1000)} s)`);
  }
  for (const role of TEACHER_ROLES) {
    const [was, is] = [roleTeacherConfig(config.teacher, role).concurrency, roleTeacherConfig(runConfig.teacher, role).concurrency];
    if (was !== is) log(`teacher: the local teacher answers one request at a time, so ${role} calls in flight are ${is}, not ${was}`);
  }
  const roles = {
    instruction: roleTeacherConfig(runConfig.teacher, only ?? 'instruction'), response: roleTeacherConfig(runConfig.teacher, only ?? 'response'),
  };
  if (roles.instruction.baseUrl === '' || roles.response.baseUrl === '') {
    log('teacher: starting the local teacher (set OPENAI_BASE_URL or --teacher-url to use another)');
  }
  // Entries are kept once a corpus will commit them (`withLedger`); until then only the totals.
  const ledger = new TeacherLedger({ keepEntries: false });
  if (batch) log(`teacher: batch mode, ${config.teacher.batchSize} requests a batch (set --concurrency near it: calls in flight fill a batch)`);
  const options = (t: TeacherConfig): CreateTeacherConfig => ({
    ...teacherConfigFromAppConfig(t, 1),
    ...(config.teacher.structuredOutput === 'tags' ? { structuredOutput: false } : {}),
    ...(config.teacher.cache ? { cacheDataDir: config.dataDir } : {}),
    batch: {
      stateDir: join(teacherCacheDir(config.dataDir), 'batches'), maxBatchSize: config.teacher.batchSize,
      flushAfterMs: config.teacher.batchFlushMs, pollMs: config.teacher.batchPollMs,
    },
    local: { log },
    log,
  });
  const teachers = await createRoleTeachers(options(roles.instruction), options(roles.response), { ledger });
  const two = teachers.instruction !== teachers.response;
  if (two) log(`teacher: instructions from ${teachers.instruction.model}, responses from ${teachers.response.model}`);
  let bound: LedgerCorpus | undefined;
  return {
    teacher: teachers.instruction,
    responseTeacher: teachers.response,
    ledger,
    budgets: { instruction: teachers.instruction.budget, response: teachers.response.budget },
    oneTeacher: !two,
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
        await teachers.instruction.close();
        if (two) await teachers.response.close();
      }
    },
  };
}

/** The local teacher serves one request at a time: more than two calls in flight per stage only queue. */
function capLocalConcurrency(t: TeacherConfig): TeacherConfig {
  const out: TeacherConfig = { ...t, concurrency: t.baseUrl === '' ? Math.min(t.concurrency, 2) : t.concurrency };
  for (const role of TEACHER_ROLES) {
    const r = roleTeacherConfig(t, role);
    if (r.baseUrl === '' && r.concurrency > 2) out[role] = { ...t[role], concurrency: 2 };
  }
  return out;
}
