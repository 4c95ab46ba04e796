/**
 * One stage of the pipeline in a process of its own, a member of its consumer group on Kafka (`lamini operator NAME`).
 * generate and respond are stateless: start N processes and the group shares the partitions between
 * them. planner, dedup and sink run as one instance each (DESIGN.md, scaling). All of them share the
 * data dir: the sink owns the corpus (it holds the lock); dedup keeps a snapshot of its index there and
 * replays its input after it (pipeline/dedup-checkpoint.ts), or restores from the committed shards when
 * it has none; the planner reads the manifest once to see where the corpus stands, then learns which of
 * its tasks finished from the terminal topics (operators/planner/feedback.ts), without waiting for shards.
 * Each stage is built by its entry in STAGE_BUILDERS and run by the one runner (streams/runner.ts).
 */
import type { Config } from '../common/config.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { readManifest } from '../corpus/index.ts';
import { TerminalTally } from '../operators/planner/feedback.ts';
import { PlannerStage } from '../operators/planner/stage.ts';
import { planWindow } from '../operators/planner/window.ts';
import { SinkBuffer } from '../operators/sink/sink.ts';
import type { Seed } from '../schemas/types.ts';
import type { OpenedTransport } from '../streams/open.ts';
import type { Emission } from '../streams/operator.ts';
import { runStage } from '../streams/runner.ts';
import type { Stage } from '../streams/stage.ts';
import { PipelineStats } from '../streams/stats.ts';
import { Topics, type TopicName } from '../streams/topics.ts';
import type { TeacherLedger } from '../teacher/ledger.ts';
import type { Teacher } from '../teacher/types.ts';
import { costLimitReached } from '../operators/planner/cost-limit.ts';
import { openCheckpointedDedup } from './dedup-checkpoint.ts';
import { writePlanState } from './lifecycle.ts';
import { resumeOpenTasks, type PipelineStore } from './run.ts';
import { checkpointedDedupStage, generateStage, plannerFor, respondStage, sinkStage, type StageName } from './stages.ts';

export { STAGE_NAMES as OPERATOR_NAMES, type StageName as OperatorName } from './stages.ts';

export interface OperatorProcessOptions {
  name: StageName;
  config: Config;
  /** The transport (`openTransport`); the caller closes it. */
  opened: OpenedTransport;
  signal: AbortSignal;
  /** generate (and respond, unless `responseTeacher` is set). */
  teacher?: Teacher;
  /** respond: a second teacher for the response calls. */
  responseTeacher?: Teacher;
  /**
   * generate, respond: the teachers' ledger. Its rows go to the `teacher-requests` topic with each turn's
   * outputs (before the input positions are committed), and the sink commits them into `teacher_requests`.
   */
  ledger?: TeacherLedger;
  /** planner, generate. */
  seeds?: readonly Seed[];
  topics?: readonly string[];
  /** sink: the corpus, opened for writing. */
  store?: PipelineStore;
  /** planner: stop once this many examples were made after it started. */
  target?: number;
  /** planner: stop planning before the teacher spend committed since it started could pass this many USD. */
  maxCostUsd?: number;
  onLog?: (line: string) => void;
  now?: () => number;
}

interface BuildContext {
  o: OperatorProcessOptions;
  opened: OpenedTransport;
  topicName: (name: TopicName) => string;
  now: () => number;
  log: (line: string) => void;
  need<T>(value: T | undefined, what: string): T;
}

/** A stage, and what to do once it ended by itself (the planner records that it finished). */
interface Built {
  stage: Stage;
  finished?(): Promise<void>;
}

/** How each stage is built in an operator process. */
const STAGE_BUILDERS: Record<StageName, (c: BuildContext) => Promise<Built>> = {
  planner: plannerStage,
  generate: async (c) => ({ stage: generateStage({
    config: c.o.config, teacher: c.need(c.o.teacher, 'a teacher'), seeds: c.need(c.o.seeds, 'seeds'), now: c.now, ...ledgerOutputs(c.o.ledger),
  }) }),
  respond: async (c) => ({ stage: respondStage({
    config: c.o.config, teacher: c.need(c.o.responseTeacher ?? c.o.teacher, 'a teacher'), now: c.now, ...ledgerOutputs(c.o.ledger),
  }) }),
  dedup: async (c) => ({ stage: checkpointedDedupStage(await openCheckpointedDedup({
    config: c.o.config, inputTopic: c.topicName(Topics.instructionsRaw), now: c.now, log: c.log,
  })) }),
  sink: async (c) => {
    const store = c.need(c.o.store, 'the corpus');
    const progress = store.progress();
    const runSeed = progress.runSeed ?? c.o.config.runSeed;
    const buffer = new SinkBuffer(c.o.config.sink, await store.committedExampleIds());
    buffer.tasksDone(progress.taskWatermark, progress.doneTasksAbove);
    await resumeOpenTasks(buffer, store);
    return {
      stage: sinkStage({
        buffer, now: c.now, startAt: progress.positions ?? [],
        store: { commit: (batch, positions) => store.commit(batch, positions, runSeed) },
      }),
    };
  },
};

export async function runOperatorProcess(o: OperatorProcessOptions): Promise<PipelineStats> {
  const { transport, topicName, codec } = o.opened;
  const stats = new PipelineStats();
  const now = o.now ?? Date.now;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new LaminiError(ErrorCodes.USAGE, `operator ${o.name} needs ${what}`);
    return value;
  };
  await o.opened.createTopics();
  const built = await STAGE_BUILDERS[o.name]({ o, opened: o.opened, topicName, now, log: o.onLog ?? (() => {}), need });
  await runStage(built.stage, { transport, codec, stats, signal: o.signal, now, topicName });
  if (!o.signal.aborted) await built.finished?.();
  return stats;
}

/** The ledger's rows since the last turn, as records for the `teacher-requests` topic. */
function ledgerOutputs(ledger: TeacherLedger | undefined): { sideOutputs?: () => Emission[] } {
  if (ledger === undefined) return {};
  ledger.keepEntries = true;
  return {
    sideOutputs: () => ledger.drain().map((entry) => ({ topic: Topics.teacherRequests, key: entry.id, record: entry })),
  };
}

/**
 * The planner: plans after the highest task already in the tasks topic (or the manifest's watermark), with
 * the plan window of `lamini run` (operators/planner/window.ts), until `target` examples were made and
 * every task it planned finished, or it is stopped. What it knows of its tasks comes from the terminal
 * topics, read in its own group as they arrive.
 */
async function plannerStage(c: BuildContext): Promise<Built> {
  const { o } = c;
  const dataDir = o.config.dataDir;
  const first = await readManifest(dataDir);
  const runSeed = first.progress.run_seed ?? o.config.runSeed;
  const planner = plannerFor(o.config, runSeed, o.seeds ?? [], o.topics ?? []);
  const firstTask = Math.max(first.progress.task_watermark + 1, await c.opened.firstTask());
  // The operator command prefixes every line with the operator's name already ("planner: run seed 1, …").
  c.log(`run seed ${runSeed}, first task ${firstTask}`);
  const tally = new TerminalTally(
    { watermark: first.progress.task_watermark, above: first.progress.done_tasks_above },
    (k, records) => stage.taskFinished(k, records),
    c.now(),
  );
  // --max-cost: the operators' spend as their ledger rows reach the teacher-requests topic.
  const limit = o.maxCostUsd === undefined ? undefined : {
    limitUsd: o.maxCostUsd, spentUsd: () => tally.spentUsd,
    taskSpentUsd: (j: number) => tally.taskSpentUsd(j), maxTaskSpentUsd: () => tally.maxTaskSpentUsd,
  };
  const t = o.config.teacher;
  const target = o.target ?? Number.POSITIVE_INFINITY;
  const stage: PlannerStage = new PlannerStage({
    planner, target, firstTask, done: new Set(first.progress.done_tasks_above),
    window: planWindow({
      // One task per partition per call in flight of a member: every member can be busy, and a spending limit
      // that has seen no commit yet is not overrun by more than that.
      maxTasksInFlight: o.config.run.maxTasksInFlight, defaultWindow: Math.max(2, c.opened.partitions * t.concurrency),
      concurrency: t.concurrency, target,
    }),
    made: () => tally.examples, openRecordsDue: () => tally.openRecordsDue, hasSeen: (k) => tally.hasSeen(k),
    stopBefore: (inFlight, finishedTasks) => {
      if (limit === undefined || !costLimitReached(limit, finishedTasks, inFlight)) return undefined;
      c.log(`stopping: teacher spend since start $${limit.spentUsd().toFixed(4)} is near --max-cost $${limit.limitUsd}`);
      return 'max_cost';
    },
    inputs: tally.inputs(),
    finishWhenDrained: true,
  });
  await writePlanState(dataDir, { state: 'planning', at: c.now() });
  return {
    stage,
    async finished() {
      const stoppedBy = stage.stoppedBy ?? 'target';
      await writePlanState(dataDir, { state: 'finished', at: c.now(), stoppedBy });
      c.log(`finished: ${stoppedBy === 'max_cost' ? '--max-cost reached' : 'target reached'}, every task planned is done`);
    },
  };
}
