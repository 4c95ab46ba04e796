/**
 * One operator of the pipeline as a member of its consumer group on Kafka (`lamini operator NAME`).
 * generate and respond are stateless: start N processes and the group shares the partitions between
 * them. planner, dedup and sink run as one instance each (DESIGN.md, scaling). All of them share the
 * data dir: the sink owns the corpus (it holds the lock); dedup keeps a snapshot of its index there and
 * replays its input after it (pipeline/dedup-checkpoint.ts), or restores from the committed shards when
 * it has none; the planner reads the manifest to see which tasks are done and how many examples were added.
 */
import type { Config } from '../common/config.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { readManifest, type Manifest } from '../corpus/index.ts';
import { SinkBuffer } from '../operators/sink/sink.ts';
import type { Seed } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { runOperator } from '../streams/runner.ts';
import { PipelineStats } from '../streams/stats.ts';
import { Topics } from '../streams/topics.ts';
import type { Transport } from '../streams/transport.ts';
import type { TeacherLedger } from '../teacher/ledger.ts';
import type { Teacher } from '../teacher/types.ts';
import type { Emission } from '../operators/types.ts';
import { CommittedSpend } from './corpus-store.ts';
import { openCheckpointedDedup } from './dedup-checkpoint.ts';
import { costLimitReached } from './cost-limit.ts';
import { allTopics, highestPlannedTask, kafkaTransport, topicNamer, type KafkaSettings } from './kafka-run.ts';
import { generateOperatorFor, plannerFor, resumeOpenTasks, respondOperatorFor, stageConcurrency, type PipelineStore } from './run.ts';
import { GENERATE_ID } from '../operators/generate/operator.ts';
import { RESPOND_ID } from '../operators/respond/operator.ts';
import { runSinkLoop } from './sink-loop.ts';

export const OPERATOR_NAMES = ['planner', 'generate', 'dedup', 'respond', 'sink'] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

export interface KafkaOperatorOptions {
  name: OperatorName;
  config: Config;
  kafka: KafkaSettings;
  codec: RecordCodec;
  signal: AbortSignal;
  /** generate (and respond, unless `responseTeacher` is set). */
  teacher?: Teacher;
  /** respond: a second teacher for the response calls. */
  responseTeacher?: Teacher;
  /**
   * generate, respond: the teachers' ledger. Its rows go to the `teacher-requests` topic with each batch's
   * outputs (before the batch's input positions are committed), and the sink commits them into `teacher_requests`.
   */
  ledger?: TeacherLedger;
  /** planner, generate. */
  seeds?: readonly Seed[];
  topics?: readonly string[];
  /** sink: the corpus, opened for writing. */
  store?: PipelineStore;
  /** planner: stop once this many examples were added to the corpus after it started. */
  target?: number;
  /** planner: stop planning before the teacher spend committed since it started could pass this many USD. */
  maxCostUsd?: number;
  onLog?: (line: string) => void;
  now?: () => number;
}

export async function runKafkaOperator(o: KafkaOperatorOptions): Promise<PipelineStats> {
  const transport = kafkaTransport(o.kafka, o.onLog);
  const topicName = topicNamer(o.kafka.prefix);
  const stats = new PipelineStats();
  const now = o.now ?? Date.now;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new LaminiError(ErrorCodes.USAGE, `operator ${o.name} needs ${what}`);
    return value;
  };
  try {
    await transport.createTopics(allTopics(topicName, o.kafka.partitions));
    const base = { transport, codec: o.codec, stats, signal: o.signal, now, topicName, ...ledgerOutputs(o.ledger) };
    switch (o.name) {
      case 'planner':
        await runPlanner(o, transport, topicName);
        break;
      case 'generate':
        await runOperator(generateOperatorFor(o.config, need(o.teacher, 'a teacher'), need(o.seeds, 'seeds'), now), {
          ...base, concurrency: stageConcurrency(o.config, GENERATE_ID),
        });
        break;
      case 'respond':
        await runOperator(respondOperatorFor(o.config, need(o.responseTeacher ?? o.teacher, 'a teacher'), now), {
          ...base, concurrency: stageConcurrency(o.config, RESPOND_ID),
        });
        break;
      case 'dedup': {
        const dedup = await openCheckpointedDedup({
          config: o.config, inputTopic: topicName(Topics.instructionsRaw), now, log: o.onLog ?? (() => {}),
        });
        await runOperator(dedup.operator, { ...base, concurrency: 1, checkpoint: dedup.checkpoint });
        break;
      }
      case 'sink': {
        const store = need(o.store, 'the corpus');
        const progress = store.progress();
        const runSeed = progress.runSeed ?? o.config.runSeed;
        const buffer = new SinkBuffer(o.config.sink, await store.committedExampleIds());
        buffer.tasksDone(progress.taskWatermark, progress.doneTasksAbove);
        await resumeOpenTasks(buffer, store);
        await runSinkLoop({
          ...base, buffer, startAt: progress.positions ?? [],
          store: { commit: (batch, positions) => store.commit(batch, positions, runSeed) },
        });
        break;
      }
    }
    return stats;
  } finally {
    await transport.close();
  }
}

/** The ledger's rows since the last batch, as records for the `teacher-requests` topic. */
function ledgerOutputs(ledger: TeacherLedger | undefined): { sideOutputs?: () => Emission[] } {
  if (ledger === undefined) return {};
  ledger.keepEntries = true;
  return {
    sideOutputs: () => ledger.drain().map((entry) => ({ topic: Topics.teacherRequests, type: 'TeacherRequest' as const, key: entry.id, record: entry })),
  };
}

/**
 * Plans tasks after the highest one already in the tasks topic (or the manifest's watermark), keeping
 * at most partitions × teacher concurrency tasks not yet done (done: committed by the sink, per the
 * manifest), until `target` examples were added or it is stopped.
 */
async function runPlanner(o: KafkaOperatorOptions, transport: Transport, topicName: (n: string) => string): Promise<void> {
  const log = o.onLog ?? (() => {});
  const dataDir = o.config.dataDir;
  const first = await readManifest(dataDir);
  const runSeed = first.progress.run_seed ?? o.config.runSeed;
  const planner = plannerFor(o.config, runSeed, o.seeds ?? [], o.topics ?? []);
  const tasksTopic = topicName(Topics.tasks);
  let k = Math.max(first.progress.task_watermark + 1, (await highestPlannedTask(transport, tasksTopic)) + 1);
  // The operator command prefixes every line with the operator's name already ("planner: run seed 1, …").
  log(`run seed ${runSeed}, first task ${k}`);
  const maxInFlight = Math.max(2, o.kafka.partitions * o.config.teacher.concurrency);
  const planned = new Set<number>();
  const producer = transport.producer();
  const isDone = (m: Manifest, j: number): boolean => j <= m.progress.task_watermark || m.progress.done_tasks_above.includes(j);
  let manifest = first;
  let readAt = 0;
  // --max-cost: the operators' spend reaches the corpus with the sink's commits (their ledger rows).
  const spend = o.maxCostUsd === undefined ? undefined : new CommittedSpend(dataDir);
  const spentAtStart = (await spend?.update(first)) ?? 0;
  const doneCount = (m: Manifest): number => m.progress.task_watermark + 1 + m.progress.done_tasks_above.length;
  const limit = spend === undefined ? undefined : {
    limitUsd: o.maxCostUsd ?? 0, spentUsd: () => spend.totalUsd - spentAtStart,
    taskSpentUsd: (j: number) => spend.taskUsd(j), maxTaskSpentUsd: () => spend.maxTaskUsd,
  };
  while (!o.signal.aborted) {
    if (Date.now() - readAt > 200) {
      manifest = await readManifest(dataDir);
      readAt = Date.now();
      await spend?.update(manifest);
      for (const j of planned) if (isDone(manifest, j)) planned.delete(j);
    }
    if (o.target !== undefined && manifest.totals.examples - first.totals.examples >= o.target) break;
    if (limit !== undefined && costLimitReached(limit, doneCount(manifest) - doneCount(first), planned)) {
      log(`stopping: teacher spend since start $${limit.spentUsd().toFixed(4)} is near --max-cost $${limit.limitUsd}`);
      break;
    }
    if (planned.size >= maxInFlight) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    while (isDone(manifest, k)) k++;
    await producer.send(tasksTopic, [{ key: String(k), value: o.codec.encode('GenerationTask', planner.task(k)) }]);
    planned.add(k);
    k++;
  }
  await producer.close();
}
