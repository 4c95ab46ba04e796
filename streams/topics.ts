import type { RecordType } from '../operators/types.ts';
import type { TopicSpec } from './transport.ts';

/** Topic names of DESIGN.md. On Kafka each is prefixed `lamini.`. */
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
export const TOPIC_TYPES: Readonly<Record<TopicName, RecordType>> = {
  [Topics.seeds]: 'Seed',
  [Topics.tasks]: 'GenerationTask',
  [Topics.instructionsRaw]: 'Instruction',
  [Topics.instructionsUnique]: 'Instruction',
  [Topics.examples]: 'Example',
  [Topics.dropped]: 'Dropped',
  [Topics.dlq]: 'DeadLetter',
  [Topics.teacherRequests]: 'TeacherRequest',
};

export function kafkaTopicName(name: TopicName, prefix = 'lamini.'): string {
  return `${prefix}${name}`;
}

/** Every topic of the pipeline, named as the transport knows it, with `partitions` each. */
export function allTopics(topicName: (name: string) => string, partitions: number): TopicSpec[] {
  return Object.values(Topics).map((name) => ({ name: topicName(name), partitions }));
}
