/**
 * The Kafka producer behind `Producer.send`: idempotent (acks=all, producer id and sequence numbers, so
 * a retried batch is never written twice), and keyed with Kafka's Java default partitioner so a key
 * lands in the partition `streams/partitioner.ts` computes. @platformatic/kafka's own default
 * partitioner takes `murmur2 >>> 0`, which differs from Java's `murmur2 & 0x7fffffff` whenever the
 * partition count is not a power of two; we pass the Java-compatible one.
 */
import { Producer as KafkaClientProducer, ProduceAcks, compatibilityPartitioner } from '@platformatic/kafka';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { OutgoingMessage, Producer } from '../transport.ts';
import { withRetry } from './errors.ts';
import type { ResolvedKafkaOptions } from './options.ts';

export class KafkaProducer implements Producer {
  readonly #client: KafkaClientProducer;
  readonly #options: ResolvedKafkaOptions;
  #closed = false;

  constructor(options: ResolvedKafkaOptions) {
    this.#options = options;
    this.#client = new KafkaClientProducer({
      clientId: `${options.clientId}-producer`,
      bootstrapBrokers: [...options.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
      connectTimeout: options.connectTimeoutMs,
      timeout: options.requestTimeoutMs,
      retries: 3,
      retryDelay: 250,
    });
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.#closed) throw new LaminiError(ErrorCodes.TRANSPORT_CLOSED, 'the Kafka producer is closed');
    if (messages.length === 0) return;
    const batch = messages.map((m) => ({
      topic,
      key: Buffer.from(m.key, 'utf8'),
      value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
      ...(m.headers === undefined ? {} : { headers: toHeaderMap(m.headers) }),
    }));
    await withRetry(`send to ${topic}`, () => this.#client.send({ messages: batch }), { capMs: this.#options.retryCapMs, outage: this.#options.outage });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }
}

function toHeaderMap(headers: Readonly<Record<string, string>>): Map<Buffer, Buffer> {
  const map = new Map<Buffer, Buffer>();
  for (const [k, v] of Object.entries(headers)) map.set(Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8'));
  return map;
}
