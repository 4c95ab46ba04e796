/**
 * One embedded run: every operator of DESIGN.md in one process over the embedded transport, until
 * `target` new examples are committed. The unit of progress is the task: the run resumes after the
 * manifest's task watermark, skipping tasks already done, with dedup restored from the corpus. On
 * reaching the target it stops planning, lets the tasks in flight finish, commits, and returns.
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { roleTeacherConfig, type Config } from '../common/config.ts';
import { Planner } from '../operators/planner/index.ts';
import { createGenerateOperator } from '../operators/generate/operator.ts';
import { createDedupOperator, restoreDedupState, type CommittedInstruction } from '../operators/dedup/operator.ts';
import { createDedupIndex } from '../operators/dedup/index.ts';
import { createRespondOperator, RESPOND_ID } from '../operators/respond/operator.ts';
import { SINK_ID, SinkBuffer, type SinkBatch } from '../operators/sink/sink.ts';
import type { Operator } from '../operators/types.ts';
import type { Seed } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { EmbeddedTransport } from '../streams/embedded.ts';
import { runOperator } from '../streams/runner.ts';
import { PipelineStats } from '../streams/stats.ts';
import { allTopics, Topics } from '../streams/topics.ts';
import type { TopicPosition, Transport } from '../streams/transport.ts';
import type { Teacher } from '../teacher/types.ts';
import { GenerationWatch, type RunProgress } from './progress.ts';
import { costLimitReached, type CostLimit } from './cost-limit.ts';
import type { CheckpointedDedup } from './dedup-checkpoint.ts';
import { askedBy, defaultPlanWindow, PlanWindow } from './plan-window.ts';
import { runSinkLoop, type SinkLoopOptions } from './sink-loop.ts';

export interface StoreProgress {
  runSeed: number | undefined;
  taskWatermark: number;
  doneTasksAbove: number[];
  examples: number;
  /** Input positions the committed shards cover (the sink's consumer starts there on a durable log). */
  positions?: TopicPosition[];
}

/** What a run needs from the corpus. */
export interface PipelineStore {
  progress(): StoreProgress;
  committedExampleIds(): Promise<Set<string>>;
  committedInstructions(): Promise<CommittedInstruction[]>;
  /** Committed terminal records of each open task above the watermark (a sink resuming on a durable log). */
  openTaskRecords?(): Promise<Map<number, string[]>>;
  commit(batch: SinkBatch, positions: TopicPosition[], runSeed: number): Promise<void>;
}

export interface RunOptions {
  config: Config;
  target: number;
  store: PipelineStore;
  /** The teacher of the instruction (generate) calls, and of the response calls unless `responseTeacher` is set. */
  teacher: Teacher;
  /** A second teacher for the response (respond) calls (`teacher.response` in the config). */
  responseTeacher?: Teacher;
  seeds: readonly Seed[];
  topics: readonly string[];
  codec: RecordCodec;
  transport?: Transport;
  onProgress?: (p: RunProgress) => void;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  now?: () => number;
  /** Stop planning before this run's teacher spend (from the ledger) could pass the limit; drain and stop. */
  costLimit?: CostLimit;
}

export interface RunSummary extends RunProgress {
  stoppedBy: 'target' | 'stalled' | 'interrupted' | 'max_cost';
  stats: PipelineStats;
}

/** The planner of a run; a seed pool with nothing to plan from is a usage error. */
export function plannerFor(config: Config, runSeed: number, seeds: readonly Seed[], topics: readonly string[]): Planner {
  const planner = new Planner({
    runSeed, seeds, topics, mix: config.generation.mix,
    instructionsPerPrompt: config.generation.instructionsPerPrompt,
    instructionsPerPromptLong: config.generation.instructionsPerPromptLong,
    promptVersion: config.generation.promptVersion,
  });
  if (!planner.canPlan) {
    throw new LaminiError(ErrorCodes.USAGE, 'nothing to plan: the seed pool has no seeds for any entry of generation.mix');
  }
  return planner;
}

export function generateOperatorFor(config: Config, teacher: Teacher, seeds: readonly Seed[], now: () => number): Operator<never> {
  const t = roleTeacherConfig(config.teacher, 'instruction');
  return createGenerateOperator({
    teacher, seeds: new Map(seeds.map((s) => [s.id, s])), maxInstructionChars: config.generation.maxInstructionChars,
    temperature: t.temperature, maxTokens: t.generateMaxTokens, structuredOutput: t.structuredOutput,
    filters: config.generation.filters, now,
  }) as Operator<never>;
}

/** Dedup with its state restored from the corpus's committed instructions (in commit order). */
export function dedupOperatorFor(config: Config, committed: Iterable<CommittedInstruction>, now: () => number): Operator<never> {
  return createDedupOperator(restoreDedupState(committed, createDedupIndex(config.dedup)), now) as Operator<never>;
}

export function respondOperatorFor(config: Config, teacher: Teacher, now: () => number): Operator<never> {
  const t = roleTeacherConfig(config.teacher, 'response');
  return createRespondOperator({ teacher, temperature: t.temperature, maxTokens: t.respondMaxTokens, now }) as Operator<never>;
}

/** Calls in flight in one member of a stateless stage: its teacher role's `concurrency`. */
export function stageConcurrency(config: Config, operatorId: string): number {
  return roleTeacherConfig(config.teacher, operatorId === RESPOND_ID ? 'response' : 'instruction').concurrency;
}

/** How a run meets its transport: the embedded one, or Kafka (pipeline/kafka-run.ts). */
export interface PipelineWiring {
  transport: Transport;
  /** Topic name as the transport knows it (Kafka prefixes them). */
  topicName: (name: string) => string;
  partitions: number;
  /** Where the sink's consumer starts (a durable log: the positions the manifest covers). */
  sinkStart: readonly TopicPosition[];
  /** The lowest task number to plan (a durable log may hold tasks planned above the watermark). */
  firstTask: number;
  /** Members of each stateless operator's group in this process (default 1). */
  instances?: number;
  /** Dedup with a checkpoint of its own (a durable log); default: restored from the corpus. */
  dedup?: CheckpointedDedup;
}

/** A sink resuming on a durable log counts what its open tasks already committed. */
export async function resumeOpenTasks(buffer: SinkBuffer, store: PipelineStore): Promise<void> {
  for (const [task, seen] of (await store.openTaskRecords?.()) ?? []) buffer.resumeTask(task, seen);
}

/** What the stages of a run share: generate, dedup (its state restored from `committed`), respond and the sink. */
export interface StagesOptions {
  config: Config;
  /** The instruction calls' teacher, and the response calls' unless `responseTeacher` is set. */
  teacher: Teacher;
  responseTeacher?: Teacher | undefined;
  seeds: readonly Seed[];
  /** The corpus's kept instructions in commit order: dedup's state (unless `dedup` is given). */
  committed: Iterable<CommittedInstruction>;
  /** Dedup with a checkpoint of its own (a durable log), instead of one restored from `committed`. */
  dedup?: CheckpointedDedup;
  codec: RecordCodec;
  transport: Transport;
  topicName: (name: string) => string;
  stats: PipelineStats;
  /** Aborting it stops every loop (the sink commits what it has first). */
  signal: AbortSignal;
  now: () => number;
  /** Members of each stateless operator's group in this process. */
  instances: number;
  /** Told of the first loop that fails (the others keep going until `signal` aborts). */
  onFailure?: (error: unknown) => void;
  sink: Pick<SinkLoopOptions, 'buffer' | 'store' | 'flushWhen' | 'startAt' | 'onCommit'>;
}

export interface Stages {
  /** The consumer groups, one per stage, in pipeline order (the sink last). */
  groups: string[];
  /** Resolves once every loop has ended. */
  settled: Promise<void>;
  /** The first loop's failure, if one failed. */
  failure(): unknown;
}

/** Generate, dedup, respond and the sink as loops over `transport`, until `signal` aborts. */
export function startStages(o: StagesOptions): Stages {
  const dedup = o.dedup?.operator ?? dedupOperatorFor(o.config, o.committed, o.now);
  const operators: Array<Operator<never>> = [
    generateOperatorFor(o.config, o.teacher, o.seeds, o.now), dedup, respondOperatorFor(o.config, o.responseTeacher ?? o.teacher, o.now),
  ];
  const { transport, codec, stats, signal, now, topicName } = o;
  const ordered = (op: Operator<never>): boolean => op.descriptor.state === 'ordered';
  const members = operators.flatMap((op) => Array.from({ length: ordered(op) ? 1 : Math.max(1, o.instances) }, () => op));
  const loops = [
    ...members.map((op) => runOperator(op, {
      transport, codec, stats, signal, now, topicName, concurrency: ordered(op) ? 1 : stageConcurrency(o.config, op.descriptor.id),
      ...(op === dedup && o.dedup !== undefined ? { checkpoint: o.dedup.checkpoint } : {}),
    })),
    runSinkLoop({ transport, codec, stats, signal, now, topicName, ...o.sink }),
  ];
  let failure: unknown;
  Promise.all(loops).catch((error: unknown) => {
    failure = error;
    o.onFailure?.(error);
  });
  return {
    groups: [...operators.map((op) => op.descriptor.id), SINK_ID],
    settled: Promise.allSettled(loops).then(() => undefined),
    failure: () => failure,
  };
}

export async function runEmbedded(options: RunOptions): Promise<RunSummary> {
  const transport = options.transport ?? new EmbeddedTransport({ capacity: options.config.run.channelCapacity });
  try {
    return await runPipeline(options, { transport, topicName: (name) => name, partitions: 1, sinkStart: [], firstTask: 0 });
  } finally {
    await transport.close();
  }
}

/** The planner in this process; operators and sink as loops over `wiring.transport` (the caller closes it). */
export async function runPipeline(options: RunOptions, wiring: PipelineWiring): Promise<RunSummary> {
  const { config, store, teacher, codec, target } = options;
  const { transport, topicName } = wiring;
  const now = options.now ?? Date.now;
  const log = options.onLog ?? (() => {});
  const start = store.progress();
  const runSeed = start.runSeed ?? config.runSeed;
  if (start.runSeed !== undefined && start.runSeed !== config.runSeed) {
    log(`this corpus was planned with run seed ${start.runSeed}; continuing with it (config says ${config.runSeed})`);
  }
  const planner = plannerFor(config, runSeed, options.seeds, options.topics);

  await transport.createTopics(allTopics(topicName, wiring.partitions));
  const stats = new PipelineStats();
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const operatorsStop = new AbortController();

  const t = config.teacher;

  const progress: RunProgress = {
    startedAt: now(), now: now(), committed: 0, pending: 0, corpusExamples: start.examples, tasksPlanned: 0, tasksDone: 0,
    dropped: 0, deadLetters: 0, costUsd: 0, promptTokens: 0, completionTokens: 0,
  };
  const planned = new Set<number>();
  let lastGrowth = now();
  const generation = new GenerationWatch(config.run.stallTimeoutMs, now());
  let draining = false;
  let seenExamples = 0;
  /** Tasks planned by this run and not finished, with the instructions each asked for. */
  const inFlight = new Map<number, number>();
  const finished = { records: 0, asked: 0 };
  const buffer = new SinkBuffer(config.sink, await store.committedExampleIds(), (k, records) => {
    const asked = inFlight.get(k);
    if (asked === undefined) return;
    inFlight.delete(k);
    progress.tasksDone++;
    finished.records += records;
    finished.asked += asked;
  });
  buffer.tasksDone(start.taskWatermark, start.doneTasksAbove);
  if (wiring.sinkStart.length > 0) await resumeOpenTasks(buffer, store);
  /** Examples taken from the buffer by a commit that has not finished: neither pending nor committed. */
  let committing = 0;
  const onCommit = (batch: SinkBatch): void => {
    committing -= batch.examples.length;
    progress.committed += batch.examples.length;
    progress.corpusExamples += batch.examples.length;
    progress.dropped += batch.dropped.length;
    progress.deadLetters += batch.deadLetters.length;
    for (const e of batch.examples) {
      progress.costUsd += e.cost_usd;
      progress.promptTokens += e.prompt_tokens;
      progress.completionTokens += e.completion_tokens;
    }
    for (const k of batch.doneTasks) planned.delete(k);
    generation.committed(batch.examples, now());
  };

  const stages = startStages({
    config, teacher, responseTeacher: options.responseTeacher, seeds: options.seeds, codec, transport, topicName, stats,
    ...(wiring.dedup === undefined ? { committed: await store.committedInstructions() } : { committed: [], dedup: wiring.dedup }),
    signal: operatorsStop.signal, now, instances: wiring.instances ?? 1, onFailure: () => stop.abort(),
    sink: {
      buffer, onCommit, startAt: wiring.sinkStart,
      flushWhen: () => draining && buffer.openTasks === 0 && buffer.hasCompleteTasks,
      store: {
        commit: (batch, positions) => {
          committing += batch.examples.length;
          return store.commit(batch, positions, runSeed);
        },
      },
    },
  });
  const { groups } = stages;
  const queueDepth = transport.queueDepth?.bind(transport);

  let stoppedBy: RunSummary['stoppedBy'] = 'target';
  const producer = transport.producer();
  const done = new Set(start.doneTasksAbove);
  const window = new PlanWindow({
    window: config.run.maxTasksInFlight > 0
      ? config.run.maxTasksInFlight
      : defaultPlanWindow(t.concurrency, wiring.instances ?? 1, transport.kind),
    start: Math.max(2, t.concurrency * 2),
    target,
  });
  let k = Math.max(start.taskWatermark + 1, wiring.firstTask);
  const made = (): number => progress.committed + committing + buffer.exampleRows;
  const tick = async (ms: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, ms));
    progress.now = now();
    progress.pending = buffer.exampleRows;
    if (options.costLimit !== undefined) progress.costUsd = options.costLimit.spentUsd();
    if (queueDepth !== undefined) progress.queues = Object.fromEntries(groups.map((g) => [g, queueDepth(g)]));
    if (made() > seenExamples) {
      seenExamples = made();
      lastGrowth = now();
    }
    options.onProgress?.(progress);
    const warning = generation.check(now());
    if (warning !== undefined) log(warning);
  };

  // Plan while the target is not reached; the sink's commits drive `committed` and `planned`.
  while (!stop.signal.aborted && made() < target) {
    if (now() - lastGrowth > config.run.stallTimeoutMs) {
      stoppedBy = 'stalled';
      break;
    }
    let unseenAsked = 0;
    for (const [j, asked] of inFlight) if (!buffer.hasSeen(j)) unseenAsked += asked;
    const room = window.allows({
      inFlight: inFlight.size, made: made(), openRecordsDue: buffer.openTaskRecordsDue, unseenAsked,
      finishedTasks: progress.tasksDone, finishedRecords: finished.records, finishedAsked: finished.asked,
    });
    if (!room) {
      await tick(50);
      continue;
    }
    if (options.costLimit !== undefined && costLimitReached(options.costLimit, progress.tasksDone, inFlight.keys())) {
      stoppedBy = 'max_cost';
      log(`stopping: this run's spend $${options.costLimit.spentUsd().toFixed(4)} is near --max-cost $${options.costLimit.limitUsd}`);
      break;
    }
    while (done.has(k)) k++;
    const task = planner.task(k);
    generation.planned(task.mode);
    await producer.send(topicName(Topics.tasks), [{ key: String(k), value: codec.encode('GenerationTask', task) }]);
    planned.add(k);
    inFlight.set(k, askedBy(task));
    progress.tasksPlanned++;
    k++;
  }
  // Drain: the tasks in flight finish, so a clean stop leaves nothing half-done.
  draining = true;
  while (!stop.signal.aborted && planned.size > 0 && (stoppedBy === 'target' || stoppedBy === 'max_cost')) {
    if (now() - lastGrowth > config.run.stallTimeoutMs) {
      stoppedBy = 'stalled';
      break;
    }
    await tick(50);
  }
  if (options.signal?.aborted) stoppedBy = 'interrupted';
  operatorsStop.abort();
  await stages.settled;
  if (stages.failure() !== undefined) throw stages.failure();
  const none = generation.atEnd();
  if (none !== undefined) log(none);
  progress.now = now();
  progress.pending = 0;
  if (options.costLimit !== undefined) progress.costUsd = options.costLimit.spentUsd();
  return { ...progress, stoppedBy, stats };
}
