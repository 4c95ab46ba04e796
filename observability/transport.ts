/**
 * A transport that counts what passes through it, for the pipeline metrics: records each consumer group reads
 * (a stage's group is its operator id: streams/runner.ts), records sent to each operator's output topic, and
 * the reasons of dropped records and dead letters (decoded from the `dropped` and `dlq` topics). It changes
 * nothing it passes on, and a record it cannot decode is simply not counted by reason.
 */
import { DEDUP_ID } from '../operators/dedup/operator.ts';
import { GENERATE_ID } from '../operators/generate/operator.ts';
import { PLANNER_ID } from '../operators/planner/stage.ts';
import { RESPOND_ID } from '../operators/respond/operator.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { Topics, type TopicName } from '../streams/topics.ts';
import type { Consumer, ConsumerOptions, OutgoingMessage, PollOptions, Producer, Transport } from '../streams/transport.ts';
import type { PipelineMetrics } from './pipeline-metrics.ts';

/** The topic each operator forwards its records to (dropped records and dead letters are counted apart). */
export const OUTPUT_TOPICS: ReadonlyArray<{ operator: string; topic: TopicName }> = [
  { operator: PLANNER_ID, topic: Topics.tasks },
  { operator: GENERATE_ID, topic: Topics.instructionsRaw },
  { operator: DEDUP_ID, topic: Topics.instructionsUnique },
  { operator: RESPOND_ID, topic: Topics.examples },
];

export interface MeteredTransportOptions {
  metrics: PipelineMetrics;
  codec: RecordCodec;
  /** Topic names as the transport knows them (Kafka prefixes them). */
  topicName: (name: TopicName) => string;
}

export class MeteredTransport implements Transport {
  readonly kind: Transport['kind'];
  /** The inner transport's, when it has one (the embedded transport's in-memory queues). */
  readonly queueDepth?: (group: string) => number;
  readonly #inner: Transport;
  readonly #options: MeteredTransportOptions;
  /** Transport topic name → what a message sent there counts as. */
  readonly #sent = new Map<string, (messages: readonly OutgoingMessage[]) => void>();

  constructor(inner: Transport, options: MeteredTransportOptions) {
    this.#inner = inner;
    this.#options = options;
    this.kind = inner.kind;
    const { metrics, codec, topicName } = options;
    for (const { operator, topic } of OUTPUT_TOPICS) {
      this.#sent.set(topicName(topic), (messages) => metrics.recordsOut.inc({ operator }, messages.length));
    }
    // Counted once the send resolved, off the send's path; a record that does not decode is not counted by reason.
    const later = <T>(decode: () => T | Promise<T>, count: (record: T) => void): void => {
      new Promise<T>((resolve) => resolve(decode())).then(count, () => {});
    };
    this.#sent.set(topicName(Topics.dropped), (messages) => {
      for (const m of messages) later(() => codec.decode('Dropped', m.value), (r) => metrics.dropped.inc({ reason: r.reason }));
    });
    this.#sent.set(topicName(Topics.dlq), (messages) => {
      for (const m of messages) later(() => codec.decode('DeadLetter', m.value), (r) => metrics.deadLetters.inc({ operator: r.operator, reason: r.reason }));
    });
    const depth = inner.queueDepth?.bind(inner);
    if (depth !== undefined) this.queueDepth = depth;
  }

  createTopics(...args: Parameters<Transport['createTopics']>): Promise<void> {
    return this.#inner.createTopics(...args);
  }

  producer(): Producer {
    const inner = this.#inner.producer();
    const sent = this.#sent;
    return {
      async send(topic, messages) {
        await inner.send(topic, messages);
        sent.get(topic)?.(messages);
      },
      close: () => inner.close(),
    };
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    const inner = await this.#inner.consumer(options);
    const counter = this.#options.metrics.recordsIn;
    const operator = options.group;
    return {
      group: inner.group,
      async poll(poll: PollOptions) {
        const messages = await inner.poll(poll);
        if (messages.length > 0) counter.inc({ operator }, messages.length);
        return messages;
      },
      commit: (positions) => inner.commit(positions),
      committed: () => inner.committed(),
      seek: (position) => inner.seek(position),
      lag: () => inner.lag(),
      close: () => inner.close(),
    };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
