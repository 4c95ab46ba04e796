/**
 * What an operator is: a transform from one input record to records on output topics, plus dead letters,
 * with its state declared. Operators never import a transport; the runner (streams/runner.ts) decodes,
 * calls `process`, encodes, sends and commits on either transport. Records are typed end to end: an
 * operator reading topic `In` gets that topic's generated record type, and an emission's record must be
 * the type of the topic it names (a `Dropped` record cannot go to the examples topic).
 */
import type { DeadLetterReason } from './reasons.ts';
import type { TopicName, TopicRecord } from './topics.ts';

/** One record for topic `T`; `Emission` is the union over every topic. */
export type EmissionFor<T extends TopicName> = {
  topic: T;
  /** Records of one id share a key, so they share a partition. */
  key: string;
  record: TopicRecord<T>;
};
type EmissionByTopic = { [T in TopicName]: EmissionFor<T> };
export type Emission = EmissionByTopic[TopicName];

/** A record the operator cannot handle; the runner fills in the source position and time. */
export interface DeadLetterDraft {
  reason: DeadLetterReason;
  /** One line for a person; never contains a secret. */
  message: string;
  /** What could not be handled (JSON text or bytes). */
  payload: string | Uint8Array;
  taskNumber: number;
  taskOutputs: number;
}

export interface OperatorOutput {
  emit: Emission[];
  dead: DeadLetterDraft[];
}

/**
 * `none`: the operator is a pure function of its input and may run as N parallel instances.
 * `ordered`: decisions depend on arrival order and state; one instance, one record at a time.
 */
export type StateKind = 'none' | 'ordered';

export interface OperatorDescriptor<In extends TopicName = TopicName> {
  /** Stable id: consumer group, stats key, dead-letter `operator` field. */
  id: string;
  input: In;
  outputs: readonly TopicName[];
  state: StateKind;
  /** What the state holds, for people and for snapshots. */
  stateDescription?: string;
}

export interface Operator<In extends TopicName = TopicName> {
  readonly descriptor: OperatorDescriptor<In>;
  process(record: TopicRecord<In>, signal?: AbortSignal): Promise<OperatorOutput>;
}

export const none = (): OperatorOutput => ({ emit: [], dead: [] });
