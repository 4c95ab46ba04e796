/**
 * `lamini run --transport kafka`: the same run as the embedded one (pipeline/run.ts), talking through
 * topics `lamini.<name>` on a broker. Kafka is a durable log, so two things differ on start:
 *   - the sink's consumer seeks to the positions the manifest covers (shard and positions are committed
 *     together, so a restart neither loses nor repeats what the corpus holds; the sink stays idempotent);
 *   - the planner continues after the highest task already in `lamini.tasks` (tasks planned but not done
 *     are still in the topic and are finished from there, not planned and paid for twice);
 *   - dedup restores its index from its snapshot and replays its input up to its committed positions
 *     (pipeline/dedup-checkpoint.ts), as `lamini operator dedup` does.
 * Consumer groups are named after the topic prefix too (`lamini.generate`, ...), so runs with different
 * prefixes share a broker without meeting.
 */
import type { Config } from '../common/config.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { KafkaTransport, type KafkaTransportOptions } from '../streams/kafka/index.ts';
import { scanTopic } from '../streams/scan.ts';
import { allTopics, Topics } from '../streams/topics.ts';
import type { Consumer, ConsumerOptions, Producer, TopicSpec, Transport } from '../streams/transport.ts';
import { openCheckpointedDedup } from './dedup-checkpoint.ts';
import { runPipeline, type RunOptions, type RunSummary } from './run.ts';

export { allTopics } from '../streams/topics.ts';

export interface KafkaSettings {
  brokers: readonly string[];
  /** Partitions of topics created by this run (existing topics keep theirs). */
  partitions: number;
  /** Topic and group prefix (default `lamini.`). */
  prefix?: string;
  /** Client settings (group timeouts, retry cap, topic configs). */
  client?: Omit<KafkaTransportOptions, 'brokers'>;
}

export interface KafkaRunOptions extends Omit<RunOptions, 'transport'> {
  kafka: KafkaSettings;
  /** Members of the generate and respond groups in this process (default 1). */
  instances?: number;
}

export async function runKafka(options: KafkaRunOptions): Promise<RunSummary> {
  const transport = kafkaTransport(options.kafka, options.onLog);
  const topicName = topicNamer(options.kafka.prefix);
  try {
    await transport.createTopics(allTopics(topicName, options.kafka.partitions));
    const firstTask = (await highestPlannedTask(transport, topicName(Topics.tasks))) + 1;
    const dedup = await openCheckpointedDedup({
      config: options.config, inputTopic: topicName(Topics.instructionsRaw), now: options.now ?? Date.now, log: options.onLog ?? (() => {}),
    });
    return await runPipeline(options, {
      transport, topicName, partitions: options.kafka.partitions, firstTask,
      sinkStart: options.store.progress().positions ?? [], instances: options.instances ?? 1, dedup,
    });
  } finally {
    await transport.close();
  }
}

export function topicNamer(prefix = 'lamini.'): (name: string) => string {
  return (name) => `${prefix}${name}`;
}

/**
 * The Kafka transport with every consumer group named `<prefix><group>`; `log` hears when the broker
 * goes away and comes back.
 */
export function kafkaTransport(settings: KafkaSettings, log?: (line: string) => void): Transport & { inner: KafkaTransport } {
  const prefix = settings.prefix ?? 'lamini.';
  const inner = new KafkaTransport({
    clientId: 'lamini', ...settings.client, brokers: settings.brokers, defaultPartitions: settings.partitions,
    ...(log === undefined ? {} : { log }),
  });
  return {
    kind: 'kafka',
    inner,
    createTopics: (specs: readonly TopicSpec[]) => inner.createTopics(specs),
    producer: (): Producer => inner.producer(),
    consumer: (o: ConsumerOptions): Promise<Consumer> => inner.consumer({ ...o, group: `${prefix}${o.group}` }),
    close: () => inner.close(),
  };
}

/**
 * The highest task number in the tasks topic (keys are task numbers), -1 when empty: read once from
 * the start by a throwaway group (streams/scan.ts). Tasks are one small record each; retention bounds the scan.
 */
export async function highestPlannedTask(transport: Transport, topic: string): Promise<number> {
  let highest = -1;
  await scanTopic(transport, topic, (m) => {
    const k = Number(m.key);
    if (Number.isInteger(k) && k > highest) highest = k;
  });
  return highest;
}

/**
 * Client timeouts of a command that gives up on a broker that does not answer after `timeoutMs`
 * (`lamini stats`, `lamini dlq`: `--timeout`), instead of retrying for the client's 2-minute default.
 */
export function brokerTimeouts(timeoutMs: number): Pick<KafkaTransportOptions, 'retryCapMs' | 'connectTimeoutMs' | 'requestTimeoutMs'> {
  return { retryCapMs: timeoutMs, connectTimeoutMs: Math.min(5_000, timeoutMs), requestTimeoutMs: Math.min(10_000, timeoutMs) };
}

/** Kafka settings from the config (brokers, `kafka.*`); group timeouts follow the session timeout. */
export function kafkaSettings(config: Config): KafkaSettings {
  if (config.brokers.length === 0) {
    throw new LaminiError(ErrorCodes.USAGE, 'the kafka transport needs brokers: --brokers HOST:PORT (or LAMINI_BROKERS, or "brokers" in the config)');
  }
  const session = config.kafka.sessionTimeoutMs;
  return {
    brokers: config.brokers,
    partitions: config.kafka.partitions,
    prefix: config.kafka.topicPrefix,
    client: {
      topicConfigs: { 'retention.ms': String(config.kafka.retentionMs) },
      sessionTimeoutMs: session,
      heartbeatIntervalMs: Math.max(100, Math.min(3_000, Math.floor(session / 10))),
      rebalanceTimeoutMs: Math.min(60_000, Math.max(5_000, session * 2)),
    },
  };
}
