/**
 * The transport contract, shaped after Kafka: named topics split into partitions, messages with keys
 * (one key always lands in one partition), and consumer groups that commit the position of the next
 * message to read. The embedded transport implements it in-process; the Kafka transport on a broker.
 * Operators never see a transport: the runner moves records between the two.
 */

export interface OutgoingMessage {
  key: string;
  value: Uint8Array;
  headers?: Record<string, string>;
}

export interface ConsumedMessage extends OutgoingMessage {
  topic: string;
  partition: number;
  offset: number;
}

/** The offset of the next message to read in one partition. */
export interface TopicPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface Producer {
  /** Resolves once every message is accepted; waits while the topic is full (backpressure). */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface PollOptions {
  maxMessages: number;
  /** Resolve with what is there (possibly nothing) after this long. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

export interface Consumer {
  readonly group: string;
  /** The next messages of the partitions assigned to this member, in offset order per partition. */
  poll(options: PollOptions): Promise<ConsumedMessage[]>;
  /** Record positions as processed for this group. */
  commit(positions: readonly TopicPosition[]): Promise<void>;
  /** Positions this group has committed, one per partition that has any. */
  committed(): Promise<TopicPosition[]>;
  /** Read from `position` next. */
  seek(position: TopicPosition): void;
  /** Messages produced but not yet committed by this group, summed over its partitions. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  group: string;
  topics: readonly string[];
}

export interface Transport {
  readonly kind: 'embedded' | 'kafka';
  createTopics(specs: readonly TopicSpec[]): Promise<void>;
  producer(): Producer;
  consumer(options: ConsumerOptions): Promise<Consumer>;
  /**
   * Messages in `group`'s topics that it has not committed, where that is free to know (the embedded
   * transport's in-memory queues). Kafka's is read through the admin API (streams/kafka/lag.ts).
   */
  queueDepth?(group: string): number;
  close(): Promise<void>;
}

/** Commit helper: the highest next-offset per (topic, partition) of a batch of consumed messages. */
export function nextPositions(messages: readonly ConsumedMessage[]): TopicPosition[] {
  const byPartition = new Map<string, TopicPosition>();
  for (const m of messages) {
    const k = `${m.topic}\u0000${m.partition}`;
    const seen = byPartition.get(k);
    if (seen === undefined || seen.offset < m.offset + 1) {
      byPartition.set(k, { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
    }
  }
  return [...byPartition.values()];
}
