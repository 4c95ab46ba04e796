/**
 * What the runner runs: a stage. Every part of the pipeline is one: generate, dedup and respond (an operator
 * wrapped by `operatorStage`), the planner (a source: it produces tasks, and on Kafka reads the terminal
 * topics to learn which of its tasks finished), and the sink (terminal: it holds its input positions until
 * its own output, a shard, is committed). The runner (streams/runner.ts) owns the mechanics for all of them.
 */
import type { DeadLetter } from '../schemas/types.ts';
import type { OperatorCheckpoint } from './checkpoint.ts';
import type { Emission, Operator, OperatorOutput } from './operator.ts';
import type { TopicName, TopicRecord } from './topics.ts';
import type { ConsumedMessage, TopicPosition } from './transport.ts';

/**
 * One input topic of a stage and what to do with one of its records, typed by the topic. The runner decodes a
 * record with the input's own topic before it calls `handle`, so a handler only ever sees its topic's type.
 */
export interface StageInput<T extends TopicName = TopicName> {
  readonly topic: T;
  handle(record: TopicRecord<T>, source: ConsumedMessage, signal: AbortSignal): Promise<OperatorOutput>;
}

export function input<T extends TopicName>(
  topic: T, handle: (record: TopicRecord<T>, source: ConsumedMessage, signal: AbortSignal) => Promise<OperatorOutput>,
): StageInput<T> {
  return { topic, handle };
}

export interface Produced {
  emit: Emission[];
  /** The stage has nothing more to produce: the runner ends it once what it sent and read is settled. */
  finished: boolean;
}

/** A terminal stage's own commit: input positions are committed only once its output covering them is. */
export interface Hold {
  /** Whether to write now what the handled records made (a shard by size or age, a draining run). */
  due(now: number): boolean;
  /** Writes it, recording `positions` with it; the runner then commits them to the group. */
  flush(positions: TopicPosition[]): Promise<void>;
}

export interface Stage {
  /** Stable id: consumer group, stats key, dead-letter `operator` field. */
  readonly id: string;
  /** The topics it reads (none: a source stage). */
  readonly inputs: readonly StageInput[];
  /** One record at a time in arrival order (dedup, the sink); otherwise up to `concurrency` at once. */
  readonly ordered: boolean;
  readonly concurrency: number;
  /** Source stages: called every turn of the loop. */
  produce?(): Promise<Produced>;
  hold?: Hold;
  /**
   * Where a letter for a record this stage cannot read goes instead of the dead-letter topic: the sink keeps
   * it in its own commit (never back into the topic it reads); the planner ignores it (the sink, reading the
   * same record, keeps it).
   */
  deadLetter?(letter: DeadLetter): void;
  /** Positions to read from first (the sink: where the manifest says the corpus ends). */
  startAt?: readonly TopicPosition[];
  /** An ordered stage's state checkpoint: replay on start, save after commits. */
  checkpoint?: OperatorCheckpoint;
  /** Records to send with each turn's outputs before its positions are committed (a process's ledger rows). */
  sideOutputs?(): Emission[];
}

/** An operator as a stage: its input topic, its state kind, and `concurrency` records at once when stateless. */
export function operatorStage<In extends TopicName>(
  op: Operator<In>, options: { concurrency: number; checkpoint?: OperatorCheckpoint; sideOutputs?: () => Emission[] },
): Stage {
  const ordered = op.descriptor.state === 'ordered';
  return {
    id: op.descriptor.id,
    inputs: [input(op.descriptor.input, (record, _source, signal) => op.process(record, signal))],
    ordered,
    concurrency: ordered ? 1 : Math.max(1, options.concurrency),
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    ...(options.sideOutputs === undefined ? {} : { sideOutputs: options.sideOutputs }),
  };
}
