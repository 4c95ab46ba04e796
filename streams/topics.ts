/**
 * The pipeline's topics (DESIGN.md) and the record type each carries. A leaf module: operators, the runner,
 * transports and commands all name topics through it, and it imports only the generated record types.
 */
import { DEFAULT_TOPIC_PREFIX } from '../common/config-kafka.ts';
import type { RecordTypeName, RecordTypes } from '../schemas/types.ts';
import type { TopicSpec } from './transport.ts';

/** Topic names of DESIGN.md. On Kafka each is prefixed (`kafka.topicPrefix`, default `lamini.`). */
export const Topics = {
  seeds: 'seeds',
  tasks: 'tasks',
  instructionsRaw: 'instructions.raw',
  instructionsUnique: 'instructions.unique',
  examples: 'examples',
  dropped: 'dropped',
  dlq: 'dlq',
  /** Teacher ledger rows from operator processes (Kafka), committed by the sink into `teacher_requests`. */
  teacherRequests: 'teacher-requests',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The record type each topic carries. */
export const TOPIC_TYPES = {
  [Topics.seeds]: 'Seed',
  [Topics.tasks]: 'GenerationTask',
  [Topics.instructionsRaw]: 'Instruction',
  [Topics.instructionsUnique]: 'Instruction',
  [Topics.examples]: 'Example',
  [Topics.dropped]: 'Dropped',
  [Topics.dlq]: 'DeadLetter',
  [Topics.teacherRequests]: 'TeacherRequest',
} as const satisfies Record<TopicName, RecordTypeName>;

export type TopicType<T extends TopicName> = (typeof TOPIC_TYPES)[T];
/** The generated record type of topic `T`'s records. */
export type TopicRecord<T extends TopicName> = RecordTypes[TopicType<T>];

export const TOPIC_NAMES: readonly TopicName[] = Object.values(Topics);

export function isTopicName(name: string): name is TopicName {
  return (TOPIC_NAMES as readonly string[]).includes(name);
}

export { DEFAULT_TOPIC_PREFIX };

/** Topic names as Kafka knows them: `<prefix><name>` (the embedded transport uses the names as they are). */
export function topicNamer(prefix = DEFAULT_TOPIC_PREFIX): (name: TopicName) => string {
  return (name) => `${prefix}${name}`;
}

/** Every topic of the pipeline, named as the transport knows it, with `partitions` each. */
export function allTopics(topicName: (name: TopicName) => string, partitions: number): TopicSpec[] {
  return TOPIC_NAMES.map((name) => ({ name: topicName(name), partitions }));
}
