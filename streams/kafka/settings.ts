/**
 * How a command meets a Kafka cluster: the settings from the config (brokers, `kafka.*`), and the transport with
 * every consumer group named `<prefix><group>`, so pipelines with different prefixes share a broker without
 * meeting.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { Config } from '../../common/config.ts';
import { DEFAULT_TOPIC_PREFIX } from '../topics.ts';
import type { Consumer, ConsumerOptions, Producer, TopicSpec, Transport } from '../transport.ts';
import type { KafkaTransportOptions } from './options.ts';
import { KafkaTransport } from './transport.ts';

export interface KafkaSettings {
  brokers: readonly string[];
  /** Partitions of topics created by this run (existing topics keep theirs). */
  partitions: number;
  /** Topic and group prefix (default `lamini.`). */
  prefix?: string;
  /** Client settings (group timeouts, retry cap, topic configs). */
  client?: Omit<KafkaTransportOptions, 'brokers'>;
}

/**
 * The Kafka transport with every consumer group named `<prefix><group>`; `log` hears when the broker
 * goes away and comes back.
 */
export function kafkaTransport(settings: KafkaSettings, log?: (line: string) => void): Transport & { inner: KafkaTransport } {
  const prefix = settings.prefix ?? DEFAULT_TOPIC_PREFIX;
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
