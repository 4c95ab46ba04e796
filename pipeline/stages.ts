/**
 * The pipeline's stages as data: what each is built from, and one way to run a list of them. `lamini run` runs
 * them all in one process, `lamini operator NAME` runs one (pipeline/operator-process.ts), and a dead-letter
 * replay runs every stage but the planner (dlq/replay-embedded.ts). Every stage runs through the one
 * runner (streams/runner.ts).
 */
import { roleTeacherConfig, type Config } from '../common/config.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { createDedupIndex } from '../operators/dedup/index.ts';
import { createDedupOperator, restoreDedupState, type CommittedInstruction } from '../operators/dedup/operator.ts';
import { createGenerateOperator } from '../operators/generate/operator.ts';
import { Planner } from '../operators/planner/index.ts';
import { createRespondOperator } from '../operators/respond/operator.ts';
import { sinkStage, type SinkStageOptions } from '../operators/sink/stage.ts';
import type { Seed } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import type { CheckpointedDedup } from './dedup-checkpoint.ts';
import type { Emission } from '../streams/operator.ts';
import { runStage } from '../streams/runner.ts';
import { operatorStage, type Stage } from '../streams/stage.ts';
import type { PipelineStats } from '../streams/stats.ts';
import type { TopicName } from '../streams/topics.ts';
import type { Transport } from '../streams/transport.ts';
import type { Teacher } from '../teacher/types.ts';

export const STAGE_NAMES = ['planner', 'generate', 'dedup', 'respond', 'sink'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export function isStageName(name: string): name is StageName {
  return (STAGE_NAMES as readonly string[]).includes(name);
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

/** Records handled at once by one member of a stateless stage: its teacher role's `concurrency`. */
export function stageConcurrency(config: Config, stage: 'generate' | 'respond'): number {
  return roleTeacherConfig(config.teacher, stage === 'respond' ? 'response' : 'instruction').concurrency;
}

export interface TeacherStageOptions {
  config: Config;
  teacher: Teacher;
  now: () => number;
  /** A process's teacher ledger rows, sent with each turn's outputs (operator processes on Kafka). */
  sideOutputs?: () => Emission[];
}

export function generateStage(o: TeacherStageOptions & { seeds: readonly Seed[] }): Stage {
  const t = roleTeacherConfig(o.config.teacher, 'instruction');
  const op = createGenerateOperator({
    teacher: o.teacher, seeds: new Map(o.seeds.map((s) => [s.id, s])), maxInstructionChars: o.config.generation.maxInstructionChars,
    temperature: t.temperature, maxTokens: t.generateMaxTokens, structuredOutput: t.structuredOutput,
    filters: o.config.generation.filters, now: o.now,
  });
  return operatorStage(op, { concurrency: t.concurrency, ...sideOutputs(o) });
}

export function respondStage(o: TeacherStageOptions): Stage {
  const t = roleTeacherConfig(o.config.teacher, 'response');
  const op = createRespondOperator({ teacher: o.teacher, temperature: t.temperature, maxTokens: t.respondMaxTokens, now: o.now });
  return operatorStage(op, { concurrency: t.concurrency, ...sideOutputs(o) });
}

/** Dedup with its state restored from the corpus's committed instructions (in commit order). */
export function dedupStage(config: Config, committed: Iterable<CommittedInstruction>, now: () => number): Stage {
  return operatorStage(createDedupOperator(restoreDedupState(committed, createDedupIndex(config.dedup)), now), { concurrency: 1 });
}

/** Dedup with a state and a checkpoint of its own (a durable log: pipeline/dedup-checkpoint.ts). */
export function checkpointedDedupStage(d: CheckpointedDedup): Stage {
  return operatorStage(d.operator, { concurrency: 1, checkpoint: d.checkpoint });
}

export { sinkStage, type SinkStageOptions };

/**
 * The stages between the planner and the sink, in pipeline order: generate and respond (`members` each in this
 * process) and dedup, its state restored from `committed` unless a checkpointed one is given (a durable log).
 * `lamini run` adds the planner and the sink; a dead-letter replay adds only the sink.
 */
export function middleStages(o: {
  config: Config; teacher: Teacher; responseTeacher?: Teacher | undefined; seeds: readonly Seed[]; now: () => number;
  dedup: { committed: Iterable<CommittedInstruction> } | CheckpointedDedup; members?: number;
}): Array<{ stage: Stage; members: number }> {
  const members = o.members ?? 1;
  return [
    { stage: generateStage({ config: o.config, teacher: o.teacher, seeds: o.seeds, now: o.now }), members },
    { stage: 'committed' in o.dedup ? dedupStage(o.config, o.dedup.committed, o.now) : checkpointedDedupStage(o.dedup), members: 1 },
    { stage: respondStage({ config: o.config, teacher: o.responseTeacher ?? o.teacher, now: o.now }), members },
  ];
}

function sideOutputs(o: { sideOutputs?: () => Emission[] }): { sideOutputs?: () => Emission[] } {
  return o.sideOutputs === undefined ? {} : { sideOutputs: o.sideOutputs };
}

export interface RunningStages {
  /** Resolves once every stage has ended. */
  settled: Promise<void>;
  /** The first stage's failure, if one failed. */
  failure(): unknown;
}

export interface StartOptions {
  transport: Transport;
  codec: RecordCodec;
  stats: PipelineStats;
  topicName: (name: TopicName) => string;
  /** Aborting it stops every stage (the sink commits what it has first). */
  signal: AbortSignal;
  now: () => number;
  /** Told of the first stage that fails (the others keep going until `signal` aborts). */
  onFailure?: (error: unknown) => void;
}

/** Runs each stage (a stateless one `members` times: members of one consumer group) until `signal` aborts. */
export function startStages(stages: ReadonlyArray<{ stage: Stage; members?: number }>, o: StartOptions): RunningStages {
  const runs = stages.flatMap(({ stage, members }) => Array.from({ length: stage.ordered ? 1 : Math.max(1, members ?? 1) }, () => runStage(stage, {
    transport: o.transport, codec: o.codec, stats: o.stats, signal: o.signal, now: o.now, topicName: o.topicName,
  })));
  let failure: unknown;
  Promise.all(runs).catch((error: unknown) => {
    failure = error;
    o.onFailure?.(error);
  });
  return { settled: Promise.allSettled(runs).then(() => undefined), failure: () => failure };
}
