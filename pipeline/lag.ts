/**
 * Lag per operator of a pipeline on Kafka (`lamini stats --transport kafka`): each operator's consumer
 * group (`<prefix><operator id>`, as the runner and the sink loop name them) on each of its input
 * topics, read through the admin API without joining any group.
 */
import { DEDUP_ID } from '../operators/dedup/operator.ts';
import { GENERATE_ID } from '../operators/generate/operator.ts';
import { RESPOND_ID } from '../operators/respond/operator.ts';
import { SINK_ID } from '../operators/sink/sink.ts';
import type { LagStats } from '../corpus/index.ts';
import { readGroupLag } from '../streams/kafka/lag.ts';
import { DEFAULT_TOPIC_PREFIX, topicNamer, Topics, type TopicName } from '../streams/topics.ts';
import { brokerTimeouts, type KafkaSettings } from '../streams/kafka/settings.ts';
import { SINK_INPUTS } from '../operators/sink/stage.ts';

/** Who consumes what: every operator with an input topic (the planner has none; it only produces tasks). */
export const OPERATOR_INPUTS: ReadonlyArray<{ operator: string; inputs: readonly TopicName[] }> = [
  { operator: GENERATE_ID, inputs: [Topics.tasks] },
  { operator: DEDUP_ID, inputs: [Topics.instructionsRaw] },
  { operator: RESPOND_ID, inputs: [Topics.instructionsUnique] },
  { operator: SINK_ID, inputs: SINK_INPUTS },
];

export type KafkaLagStats = Extract<LagStats, { transport: 'kafka' }>;

/** Lag of every operator's group; retries a broker that does not answer for `timeoutMs`, then fails. */
export async function operatorLag(settings: KafkaSettings, timeoutMs: number): Promise<KafkaLagStats> {
  const prefix = settings.prefix ?? DEFAULT_TOPIC_PREFIX;
  const topicName = topicNamer(prefix);
  const groups = OPERATOR_INPUTS.map(({ operator, inputs }) => ({ group: `${prefix}${operator}`, topics: inputs.map(topicName) }));
  const read = await readGroupLag({
    clientId: 'lamini-stats', ...settings.client, brokers: settings.brokers, ...brokerTimeouts(timeoutMs),
  }, groups);
  return { transport: 'kafka', brokers: settings.brokers, operators: read.map((g, i) => ({ operator: OPERATOR_INPUTS[i]!.operator, ...g })) };
}
