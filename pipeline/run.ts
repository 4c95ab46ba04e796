/**
 * One run in one process: every stage of DESIGN.md (pipeline/stages.ts) over one transport, the embedded
 * one or Kafka (runKafka, runOn), until `target` new examples are committed. The unit of progress is the task: the run resumes after the
 * manifest's task watermark, skipping tasks already done, with dedup restored from the corpus. On
 * reaching the target it stops planning, lets the tasks in flight finish, commits, and returns.
 */
import type { Config } from '../common/config.ts';
import type { PipelineStore } from '../corpus/pipeline-store.ts';
import { PlannerStage } from '../operators/planner/stage.ts';
import { defaultPlanWindow, planWindow } from '../operators/planner/window.ts';
import { SinkBuffer, type SinkBatch } from '../operators/sink/sink.ts';
import type { Seed } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { EmbeddedTransport } from '../streams/embedded.ts';
import { PipelineStats } from '../streams/stats.ts';
import type { KafkaSettings } from '../streams/kafka/settings.ts';
import { openKafka, type OpenedTransport } from '../streams/open.ts';
import { allTopics, Topics, type TopicName } from '../streams/topics.ts';
import type { TopicPosition, Transport } from '../streams/transport.ts';
import type { Teacher } from '../teacher/types.ts';
import { GenerationWatch, type RunProgress } from './progress.ts';
import { costLimitReached, type CostLimit } from '../operators/planner/cost-limit.ts';
import { openCheckpointedDedup, type CheckpointedDedup } from './dedup-checkpoint.ts';
import { middleStages, plannerFor, sinkStage, startStages } from './stages.ts';

export type { PipelineStore, StoreProgress } from '../corpus/pipeline-store.ts';

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

/** How a run meets its transport: the embedded one, or Kafka (runOn). */
export interface PipelineWiring {
  transport: Transport;
  /** Topic name as the transport knows it (Kafka prefixes them). */
  topicName: (name: TopicName) => string;
  partitions: number;
  /** Where the sink's consumer starts (a durable log: the positions the manifest covers). */
  sinkStart: readonly TopicPosition[];
  /** The lowest task number to plan (a durable log may hold tasks planned above the watermark). */
  firstTask: number;
  /** Members of each stateless stage's group in this process (default 1). */
  instances?: number;
  /** Dedup with a checkpoint of its own (a durable log); default: restored from the corpus. */
  dedup?: CheckpointedDedup;
}

/** A sink resuming on a durable log counts what its open tasks already committed. */
export async function resumeOpenTasks(buffer: SinkBuffer, store: PipelineStore): Promise<void> {
  for (const [task, seen] of (await store.openTaskRecords?.()) ?? []) buffer.resumeTask(task, seen);
}

export interface KafkaRunOptions extends Omit<RunOptions, 'transport'> {
  kafka: KafkaSettings;
  /** Members of the generate and respond groups in this process (default 1). */
  instances?: number;
}

/**
 * A run on the transport `openTransport` gave (the caller closes it). On a durable log (Kafka) the run resumes
 * from it: the sink's consumer seeks to the positions the manifest covers (shard and positions are committed
 * together); the planner continues after the highest task already in the tasks topic; dedup restores its index
 * from its snapshot and replays its input up to its committed positions (pipeline/dedup-checkpoint.ts). The
 * embedded transport holds nothing across runs: the manifest alone says where to resume.
 */
export async function runOn(options: Omit<RunOptions, 'transport' | 'codec'>, opened: OpenedTransport, instances = 1): Promise<RunSummary> {
  await opened.createTopics();
  const durable = opened.kind === 'kafka';
  const dedup = durable
    ? await openCheckpointedDedup({
      config: options.config, inputTopic: opened.topicName(Topics.instructionsRaw), now: options.now ?? Date.now, log: options.onLog ?? (() => {}),
    })
    : undefined;
  return runPipeline({ ...options, codec: opened.codec }, {
    transport: opened.transport, topicName: opened.topicName, partitions: opened.partitions, instances,
    firstTask: await opened.firstTask(), sinkStart: durable ? options.store.progress().positions ?? [] : [],
    ...(dedup === undefined ? {} : { dedup }),
  });
}

/** `lamini run --transport kafka` with explicit settings (benchmarks and tests). */
export async function runKafka(options: KafkaRunOptions): Promise<RunSummary> {
  const opened = openKafka(options.kafka, options.codec, options.onLog);
  try {
    return await runOn(options, opened, options.instances ?? 1);
  } finally {
    await opened.close();
  }
}

/** A run on the embedded transport (`options.transport`, or a fresh one). */
export async function runEmbedded(options: RunOptions): Promise<RunSummary> {
  const transport = options.transport ?? new EmbeddedTransport({ capacity: options.config.run.channelCapacity });
  try {
    return await runPipeline(options, { transport, topicName: (name) => name, partitions: 1, sinkStart: [], firstTask: 0 });
  } finally {
    await transport.close();
  }
}

/** Every stage in this process over `wiring.transport` (the caller closes it), until the target is committed. */
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
  const stagesStop = new AbortController();
  const instances = wiring.instances ?? 1;

  const progress: RunProgress = {
    startedAt: now(), now: now(), committed: 0, pending: 0, corpusExamples: start.examples, tasksPlanned: 0, tasksDone: 0,
    dropped: 0, deadLetters: 0, costUsd: 0, promptTokens: 0, completionTokens: 0,
  };
  /** Tasks planned by this run that the sink has not committed as done. */
  const planned = new Set<number>();
  let lastGrowth = now();
  const generation = new GenerationWatch(config.run.stallTimeoutMs, now());
  let draining = false;
  let seenExamples = 0;
  // The sink in this process tells the planner of each finished task as its last record arrives.
  const buffer = new SinkBuffer(config.sink, await store.committedExampleIds(), (k, records) => {
    if (plannerStage.taskFinished(k, records)) progress.tasksDone++;
  });
  buffer.tasksDone(start.taskWatermark, start.doneTasksAbove);
  if (wiring.sinkStart.length > 0) await resumeOpenTasks(buffer, store);
  /** Examples taken from the buffer by a commit that has not finished: neither pending nor committed. */
  let committing = 0;
  const made = (): number => progress.committed + committing + buffer.exampleRows;
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

  const t = config.teacher;
  const costLimit = options.costLimit;
  const plannerStage: PlannerStage = new PlannerStage({
    planner, target, firstTask: Math.max(start.taskWatermark + 1, wiring.firstTask), done: new Set(start.doneTasksAbove),
    window: planWindow({
      maxTasksInFlight: config.run.maxTasksInFlight, defaultWindow: defaultPlanWindow(t.concurrency, instances, transport.kind),
      concurrency: t.concurrency, target,
    }),
    made, openRecordsDue: () => buffer.openTaskRecordsDue, hasSeen: (k) => buffer.hasSeen(k),
    stopBefore: (inFlight, finishedTasks) => {
      if (costLimit === undefined || !costLimitReached(costLimit, finishedTasks, inFlight)) return undefined;
      log(`stopping: this run's spend $${costLimit.spentUsd().toFixed(4)} is near --max-cost $${costLimit.limitUsd}`);
      return 'max_cost';
    },
    onPlanned: (task) => {
      generation.planned(task.mode);
      planned.add(task.task_number);
      progress.tasksPlanned++;
    },
    finishWhenDrained: false,
  });

  const stages = [
    ...middleStages({
      config, teacher, responseTeacher: options.responseTeacher, seeds: options.seeds, now, members: instances,
      dedup: wiring.dedup ?? { committed: await store.committedInstructions() },
    }),
    {
      stage: sinkStage({
        buffer, onCommit, now, startAt: wiring.sinkStart,
        flushWhen: () => draining && buffer.openTasks === 0 && buffer.hasCompleteTasks,
        store: {
          commit: (batch, positions) => {
            committing += batch.examples.length;
            return store.commit(batch, positions, runSeed);
          },
        },
      }),
    },
  ];
  const groups = stages.map(({ stage }) => stage.id);
  const base = { transport, codec, stats, topicName, now, onFailure: () => stop.abort() };
  const running = startStages(stages, { ...base, signal: stagesStop.signal });
  // The planner stops on its own at the target or --max-cost; a stall or Ctrl-C stops it from here.
  const planning = startStages([{ stage: plannerStage }], { ...base, signal: stop.signal });
  const queueDepth = transport.queueDepth?.bind(transport);

  const stalled = (): boolean => now() - lastGrowth > config.run.stallTimeoutMs;
  const tick = async (ms: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, ms));
    progress.now = now();
    progress.pending = buffer.exampleRows;
    if (costLimit !== undefined) progress.costUsd = costLimit.spentUsd();
    if (queueDepth !== undefined) progress.queues = Object.fromEntries(groups.map((g) => [g, queueDepth(g)]));
    if (made() > seenExamples) {
      seenExamples = made();
      lastGrowth = now();
    }
    options.onProgress?.(progress);
    const warning = generation.check(now());
    if (warning !== undefined) log(warning);
  };

  // Plan until the target (or a limit) stops the planner; the sink's commits drive `committed` and `planned`.
  let settledPlanning = false;
  void planning.settled.then(() => {
    settledPlanning = true;
  });
  while (!stop.signal.aborted && !settledPlanning) {
    if (stalled()) {
      plannerStage.stop('stalled');
      break;
    }
    await tick(50);
  }
  stop.abort();
  await planning.settled;
  // Drain: the tasks in flight finish, so a clean stop leaves nothing half-done.
  draining = true;
  let stoppedBy: RunSummary['stoppedBy'] = plannerStage.stoppedBy ?? 'target';
  while (!(options.signal?.aborted ?? false) && running.failure() === undefined && planned.size > 0 && (stoppedBy === 'target' || stoppedBy === 'max_cost')) {
    if (stalled()) {
      stoppedBy = 'stalled';
      break;
    }
    await tick(50);
  }
  if (options.signal?.aborted) stoppedBy = 'interrupted';
  stagesStop.abort();
  await running.settled;
  if (running.failure() !== undefined) throw running.failure();
  if (planning.failure() !== undefined) throw planning.failure();
  const none = generation.atEnd();
  if (none !== undefined) log(none);
  progress.now = now();
  progress.pending = 0;
  if (costLimit !== undefined) progress.costUsd = costLimit.spentUsd();
  return { ...progress, stoppedBy, stats };
}
