/**
 * What an operator is: a transform from one input record to records on output topics, plus dead
 * letters, with its state declared. Operators never import a transport; the runner (streams/runner.ts)
 * decodes, calls `process`, encodes, sends and commits on either transport.
 */
import type { TopicName } from '../streams/topics.ts';

export type RecordType = 'Seed' | 'GenerationTask' | 'Instruction' | 'Example' | 'Dropped' | 'DeadLetter' | 'TeacherRequest';

export interface Emission {
  topic: TopicName;
  type: RecordType;
  /** Records of one id share a key, so they share a partition. */
  key: string;
  record: object;
}

/** A record the operator cannot handle; the runner fills in the source position and time. */
export interface DeadLetterDraft {
  /** Stable reason code (snake_case), counted in `lamini stats`. */
  reason: string;
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

export interface OperatorDescriptor {
  /** Stable id: consumer group, stats key, dead-letter `operator` field. */
  id: string;
  input: TopicName;
  inputType: RecordType;
  outputs: TopicName[];
  state: StateKind;
  /** What the state holds, for people and for snapshots. */
  stateDescription?: string;
}

export interface Operator<In = unknown> {
  readonly descriptor: OperatorDescriptor;
  process(record: In, signal?: AbortSignal): Promise<OperatorOutput>;
}

export const none = (): OperatorOutput => ({ emit: [], dead: [] });
