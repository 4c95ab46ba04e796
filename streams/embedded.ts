/**
 * The embedded transport: Kafka's semantics in one process, nothing to install. Each partition is an
 * in-memory log; consumer groups split a topic's partitions among their members and commit positions.
 * Bounded: a partition holds at most `capacity` messages that some subscribed group has not fetched
 * yet, and `send` waits for room (backpressure). Fetched messages are trimmed; nothing is durable —
 * embedded runs make progress durable per task, through the corpus manifest (DESIGN.md).
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { partitionForKey } from './partitioner.ts';
import { Wakeup } from './signal.ts';
import type {
  ConsumedMessage,
  Consumer,
  ConsumerOptions,
  OutgoingMessage,
  PollOptions,
  Producer,
  TopicPosition,
  TopicSpec,
  Transport,
} from './transport.ts';

interface PartitionLog {
  /** Offset of entries[0]. */
  base: number;
  entries: OutgoingMessage[];
}

interface Group {
  topics: Set<string>;
  members: EmbeddedConsumer[];
  committed: Map<string, number>;
  /** Next offset to fetch, per `topic\0partition`, for the whole group. */
  fetched: Map<string, number>;
}

export interface EmbeddedOptions {
  /** Unfetched messages a partition may hold before `send` waits. */
  capacity?: number;
  /** Partitions of a topic used before `createTopics` names it. */
  defaultPartitions?: number;
}

const tp = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class EmbeddedTransport implements Transport {
  readonly kind = 'embedded' as const;
  readonly capacity: number;
  readonly #defaultPartitions: number;
  readonly #topics = new Map<string, PartitionLog[]>();
  readonly #groups = new Map<string, Group>();
  readonly wakeup = new Wakeup();
  #closed = false;

  constructor(options: EmbeddedOptions = {}) {
    this.capacity = options.capacity ?? 1024;
    this.#defaultPartitions = options.defaultPartitions ?? 1;
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      if (!this.#topics.has(spec.name)) {
        this.#topics.set(spec.name, Array.from({ length: spec.partitions }, () => ({ base: 0, entries: [] })));
      }
    }
  }

  producer(): Producer {
    return {
      send: (topic, messages) => this.#send(topic, messages),
      close: async () => {},
    };
  }

  async consumer(options: ConsumerOptions): Promise<Consumer> {
    this.#assertOpen();
    let group = this.#groups.get(options.group);
    if (group === undefined) {
      group = { topics: new Set(), members: [], committed: new Map(), fetched: new Map() };
      this.#groups.set(options.group, group);
    }
    for (const t of options.topics) {
      group.topics.add(t);
      this.partitions(t);
    }
    const member = new EmbeddedConsumer(this, options.group, group, [...options.topics]);
    group.members.push(member);
    return member;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.wakeup.notify();
  }

  queueDepth(group: string): number {
    const state = this.#groups.get(group);
    if (state === undefined) return 0;
    let depth = 0;
    for (const topic of state.topics) {
      this.partitions(topic).forEach((log, p) => {
        depth += Math.max(0, log.base + log.entries.length - (state.committed.get(tp(topic, p)) ?? 0));
      });
    }
    return depth;
  }

  get closed(): boolean {
    return this.#closed;
  }

  partitions(topic: string): PartitionLog[] {
    let logs = this.#topics.get(topic);
    if (logs === undefined) {
      logs = Array.from({ length: this.#defaultPartitions }, () => ({ base: 0, entries: [] }));
      this.#topics.set(topic, logs);
    }
    return logs;
  }

  /** Drops entries every subscribed group has fetched, and wakes producers waiting for room. */
  trim(topic: string, partition: number): void {
    const log = this.partitions(topic)[partition];
    if (log === undefined) return;
    const low = this.#lowestFetched(topic, partition, log);
    if (low > log.base) {
      log.entries.splice(0, low - log.base);
      log.base = low;
      this.wakeup.notify();
    }
  }

  #lowestFetched(topic: string, partition: number, log: PartitionLog): number {
    let low = log.base + log.entries.length;
    let subscribed = false;
    for (const group of this.#groups.values()) {
      if (!group.topics.has(topic)) continue;
      subscribed = true;
      low = Math.min(low, group.fetched.get(tp(topic, partition)) ?? group.committed.get(tp(topic, partition)) ?? 0);
    }
    return subscribed ? low : log.base;
  }

  async #send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const logs = this.partitions(topic);
    for (const message of messages) {
      const partition = partitionForKey(message.key, logs.length);
      const log = logs[partition]!;
      while (log.entries.length >= this.capacity) {
        this.#assertOpen();
        this.trim(topic, partition);
        if (log.entries.length < this.capacity) break;
        await this.wakeup.wait(1000);
      }
      this.#assertOpen();
      log.entries.push(message);
    }
    this.wakeup.notify();
  }

  #assertOpen(): void {
    if (this.#closed) throw new LaminiError(ErrorCodes.TRANSPORT_CLOSED, 'the embedded transport is closed');
  }
}

class EmbeddedConsumer implements Consumer {
  readonly group: string;
  readonly #transport: EmbeddedTransport;
  readonly #state: Group;
  readonly #topics: string[];
  #closed = false;

  constructor(transport: EmbeddedTransport, group: string, state: Group, topics: string[]) {
    this.#transport = transport;
    this.group = group;
    this.#state = state;
    this.#topics = topics;
  }

  /** Partitions of this member: a topic's partitions dealt round-robin over the group's members. */
  assignment(): Array<{ topic: string; partition: number }> {
    const members = this.#state.members;
    const index = members.indexOf(this);
    const out: Array<{ topic: string; partition: number }> = [];
    for (const topic of this.#topics) {
      const count = this.#transport.partitions(topic).length;
      for (let p = 0; p < count; p++) if (p % members.length === index) out.push({ topic, partition: p });
    }
    return out;
  }

  async poll(options: PollOptions): Promise<ConsumedMessage[]> {
    const deadline = Date.now() + options.maxWaitMs;
    for (;;) {
      if (this.#closed || this.#transport.closed) return [];
      const batch = this.#take(options.maxMessages);
      if (batch.length > 0 || options.signal?.aborted) return batch;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.#transport.wakeup.wait(left, options.signal);
    }
  }

  #take(max: number): ConsumedMessage[] {
    const out: ConsumedMessage[] = [];
    for (const { topic, partition } of this.assignment()) {
      const log = this.#transport.partitions(topic)[partition]!;
      const key = tp(topic, partition);
      let next = Math.max(this.#state.fetched.get(key) ?? this.#state.committed.get(key) ?? 0, log.base);
      while (out.length < max && next < log.base + log.entries.length) {
        const m = log.entries[next - log.base]!;
        out.push({ ...m, topic, partition, offset: next });
        next++;
      }
      this.#state.fetched.set(key, next);
      this.#transport.trim(topic, partition);
      if (out.length >= max) break;
    }
    return out;
  }

  async commit(positions: readonly TopicPosition[]): Promise<void> {
    for (const p of positions) this.#state.committed.set(tp(p.topic, p.partition), p.offset);
  }

  async committed(): Promise<TopicPosition[]> {
    return [...this.#state.committed].map(([k, offset]) => {
      const [topic, partition] = k.split('\u0000') as [string, string];
      return { topic, partition: Number(partition), offset };
    });
  }

  seek(position: TopicPosition): void {
    this.#state.fetched.set(tp(position.topic, position.partition), position.offset);
  }

  async lag(): Promise<number> {
    let lag = 0;
    for (const { topic, partition } of this.assignment()) {
      const log = this.#transport.partitions(topic)[partition]!;
      const end = log.base + log.entries.length;
      lag += end - (this.#state.committed.get(tp(topic, partition)) ?? 0);
    }
    return lag;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const members = this.#state.members;
    members.splice(members.indexOf(this), 1);
    this.#transport.wakeup.notify();
  }
}
