/** Settings of the Kafka transport. Defaults suit a pipeline; tests shorten the group timeouts. */
import { OutageReporter } from './outage.ts';

export interface KafkaTransportOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: readonly string[];
  clientId?: string;
  /** Replication factor of topics that createTopics makes; -1 (default) takes the broker's default. */
  replicationFactor?: number;
  /** Topic configs for createTopics, e.g. `{ 'retention.ms': '604800000' }`. */
  topicConfigs?: Readonly<Record<string, string>>;
  /** A member that sends no heartbeat for this long is dropped from its group (ms). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the group waits for members to rejoin during a rebalance (ms). */
  rebalanceTimeoutMs?: number;
  /** Bytes one fetch may return, per partition and in all. */
  fetchMaxBytesPerPartition?: number;
  fetchMaxBytes?: number;
  /** How long send/commit/committed/lag keep retrying while the broker is unreachable (ms). */
  retryCapMs?: number;
  /** Connect and request timeouts of the client (ms). */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Where the transport says that the broker went away and came back (one line each, see outage.ts). */
  log?: (line: string) => void;
}

export type ResolvedKafkaOptions = Required<Omit<KafkaTransportOptions, 'topicConfigs' | 'log'>> & {
  topicConfigs: Readonly<Record<string, string>>;
  /** Shared by every client of one transport. */
  outage: OutageReporter;
};

export function resolveKafkaOptions(options: KafkaTransportOptions): ResolvedKafkaOptions {
  const retryCapMs = options.retryCapMs ?? 120_000;
  return {
    brokers: options.brokers,
    clientId: options.clientId ?? 'lamini',
    replicationFactor: options.replicationFactor ?? -1,
    topicConfigs: options.topicConfigs ?? {},
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
    fetchMaxBytesPerPartition: options.fetchMaxBytesPerPartition ?? 1 << 20,
    fetchMaxBytes: options.fetchMaxBytes ?? 8 << 20,
    retryCapMs,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    outage: new OutageReporter(options.log ?? (() => {}), retryCapMs),
  };
}
