/**
 * The Kafka transport: the `Transport` contract on an Apache Kafka broker (4.x tested), through
 * @platformatic/kafka (docs/decisions/0002-kafka-client.md). Topics are created with partitions,
 * replication and configs from the options; a consumer for a topic that does not exist yet creates it
 * with `defaultPartitions`, as the embedded transport does.
 */
import { Admin } from '@platformatic/kafka';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { Consumer, ConsumerOptions, Producer, TopicSpec, Transport } from '../transport.ts';
import { KafkaConsumer } from './consumer.ts';
import { hasKafkaError, toLaminiError, withRetry } from './errors.ts';
import { resolveKafkaOptions, type KafkaTransportOptions, type ResolvedKafkaOptions } from './options.ts';
import { KafkaProducer } from './producer.ts';

export interface KafkaTransportConfig extends KafkaTransportOptions {
  /** Partitions of a topic a consumer needs before anyone created it. */
  defaultPartitions?: number;
}

export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  readonly options: ResolvedKafkaOptions;
  readonly #defaultPartitions: number;
  readonly #admin: Admin;
  readonly #open = new Set<{ close(): Promise<void> }>();
  #closed = false;

  constructor(config: KafkaTransportConfig) {
    if (config.brokers.length === 0) throw new LaminiError(ErrorCodes.CONFIG_INVALID, 'kafka: no brokers given');
    this.options = resolveKafkaOptions(config);
    this.#defaultPartitions = config.defaultPartitions ?? 1;
    this.#admin = createAdmin(this.options);
  }

  /** Creates the topics that do not exist; existing ones are left as they are (partitions included). */
  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.#assertOpen();
    const configs = Object.entries(this.options.topicConfigs).map(([name, value]) => ({ name, value }));
    for (const spec of specs) {
      await withRetry(`create topic ${spec.name}`, async () => {
        try {
          await this.#admin.createTopics({
            topics: [spec.name],
            partitions: spec.partitions,
            replicas: this.options.replicationFactor,
            ...(configs.length > 0 ? { configs } : {}),
          });
        } catch (error) {
          if (!hasKafkaError(error, 'TOPIC_ALREADY_EXISTS')) throw error;
        }
      }, { capMs: this.options.retryCapMs, outage: this.options.outage });
    }
    await this.#waitForTopics(specs.map((s) => s.name));
  }

  /** Partition counts of existing topics; a topic that does not exist is absent from the map. */
  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    this.#assertOpen();
    const out = new Map<string, number>();
    const existing = new Set(await withRetry('list topics', () => this.#admin.listTopics(), { capMs: this.options.retryCapMs, outage: this.options.outage }));
    const wanted = topics.filter((t) => existing.has(t));
    if (wanted.length === 0) return out;
    const metadata = await withRetry('topic metadata', () => this.#admin.metadata({ topics: wanted, forceUpdate: true }), {
      capMs: this.options.retryCapMs, outage: this.options.outage,
    });
    for (const t of wanted) {
      const meta = metadata.topics.get(t);
      if (meta !== undefined) out.set(t, meta.partitionsCount);
    }
    return out;
  }

  producer(): Producer {
    this.#assertOpen();
    return this.#track(new KafkaProducer(this.options));
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    this.#assertOpen();
    const counts = await this.partitionCounts(options.topics);
    const missing = options.topics.filter((t) => !counts.has(t));
    if (missing.length > 0) await this.createTopics(missing.map((name) => ({ name, partitions: this.#defaultPartitions })));
    return this.#track(await KafkaConsumer.join(options.group, [...options.topics], this.options));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const open = [...this.#open];
    this.#open.clear();
    await Promise.allSettled(open.map((c) => c.close()));
    await this.#admin.close();
  }

  #track<T extends { close(): Promise<void> }>(client: T): T {
    const close = client.close.bind(client);
    client.close = async () => {
      this.#open.delete(client);
      await close();
    };
    this.#open.add(client);
    return client;
  }

  /** A created topic takes a moment to have leaders for every partition; wait (bounded) for them. */
  async #waitForTopics(topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const metadata = await this.#admin.metadata({ topics: [...topics], forceUpdate: true });
        const ready = topics.every((t) => {
          const meta = metadata.topics.get(t);
          return meta !== undefined && meta.partitions.length === meta.partitionsCount && meta.partitions.every((p) => p.leader >= 0);
        });
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw toLaminiError(error, `metadata of ${topics.join(', ')}`);
      }
      if (Date.now() > deadline) throw new LaminiError(ErrorCodes.TRANSPORT_UNAVAILABLE, `kafka: topics ${topics.join(', ')} have no leaders after 30 s`, { retriable: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new LaminiError(ErrorCodes.TRANSPORT_CLOSED, 'the Kafka transport is closed');
  }
}

/** An admin client with the transport's client id, brokers and timeouts (topics, offsets, groups). */
export function createAdmin(options: ResolvedKafkaOptions): Admin {
  return new Admin({
    clientId: `${options.clientId}-admin`,
    bootstrapBrokers: [...options.brokers],
    connectTimeout: options.connectTimeoutMs,
    timeout: options.requestTimeoutMs,
    retries: 3,
    retryDelay: 250,
  });
}
