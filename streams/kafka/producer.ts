/**
 * The Kafka producer behind `Producer.send`: idempotent (acks=all, producer id and sequence numbers, so
 * a retried batch is never written twice), and keyed with Kafka's Java default partitioner so a key
 * lands in the partition `streams/partitioner.ts` computes. @platformatic/kafka's own default
 * partitioner takes `murmur2 >>> 0`, which differs from Java's `murmur2 & 0x7fffffff` whenever the
 * partition count is not a power of two; we pass the Java-compatible one.
 *
 * Every attempt has a deadline (request plus connect timeout). A send that neither answers nor fails
 * was seen once after a broker crash and restart (the run's planner waited on it for minutes): at the
 * deadline the client is dropped for a fresh one and the send is retried like any unavailable broker.
 * A batch the old client did get through is then written twice; every consumer downstream is
 * idempotent by record id, so that costs a duplicate message, never a duplicate record.
 */
import { Producer as KafkaClientProducer, ProduceAcks, compatibilityPartitioner } from '@platformatic/kafka';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { OutgoingMessage, Producer } from '../transport.ts';
import { withRetry } from './errors.ts';
import type { ResolvedKafkaOptions } from './options.ts';

export class KafkaProducer implements Producer {
  #client: KafkaClientProducer;
  readonly #options: ResolvedKafkaOptions;
  #closed = false;

  constructor(options: ResolvedKafkaOptions) {
    this.#options = options;
    this.#client = KafkaProducer.#connect(options);
  }

  static #connect(options: ResolvedKafkaOptions): KafkaClientProducer {
    return new KafkaClientProducer({
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
    await withRetry(`send to ${topic}`, () => this.#attempt(batch), { capMs: this.#options.retryCapMs, outage: this.#options.outage });
  }

  async #attempt(batch: Parameters<KafkaClientProducer['send']>[0]['messages']): Promise<void> {
    const client = this.#client;
    const deadlineMs = this.#options.requestTimeoutMs + this.#options.connectTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.#client === client && !this.#closed) {
          this.#client = KafkaProducer.#connect(this.#options);
          client.close(true).catch(() => {}); // it may hang as its send did; nothing waits for it
        }
        reject(new LaminiError(ErrorCodes.TRANSPORT_UNAVAILABLE, `kafka: no answer to a send within ${deadlineMs} ms; reconnecting`, { retriable: true }));
      }, deadlineMs);
    });
    try {
      await Promise.race([client.send({ messages: batch }), deadline]);
    } finally {
      clearTimeout(timer);
    }
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
