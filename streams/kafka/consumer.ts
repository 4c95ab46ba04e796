/**
 * A group member on Kafka with the `Consumer` contract's poll/commit/seek semantics, like the Java
 * client's poll loop. @platformatic/kafka does the group protocol (join, sync, heartbeats on their own
 * timer, so a slow batch never costs a rebalance) and the wire calls; this class owns the positions:
 *
 *   assigned partitions ──(on join: committed offset, else earliest)──▶ positions ──▶ fetch ──▶ buffer
 *                                         seek(p) overrides a position ─┘            │
 *   poll() returns buffered messages at their partition's position and advances it ◀─┘
 *
 * A fetch runs in the background until it answers: a poll that times out leaves it running and the
 * next poll picks up its records. Records fetched before a seek or a reassignment of their partition
 * carry an older epoch and are dropped, so a seek is exact and a revoked partition is never delivered.
 * Positions are in memory; only commit() makes progress durable.
 */
import { Consumer as KafkaClientConsumer, FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import type { ClusterMetadata, Consumer as ClientConsumer } from '@platformatic/kafka';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';
import type { ConsumedMessage, Consumer, PollOptions, TopicPosition } from '../transport.ts';
import { hasKafkaError, isRetriable, sleep, toLaminiError, withRetry } from './errors.ts';
import type { ResolvedKafkaOptions } from './options.ts';

type FetchResponse = Awaited<ReturnType<ClientConsumer['fetch']>>;

/** The least time a fetch waits at the broker for records (Kafka's own fetch.max.wait.ms default is 500 ms). */
const FETCH_WAIT_MS = 250;

interface Buffered {
  message: ConsumedMessage;
  epoch: number;
}

const tp = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class KafkaConsumer implements Consumer {
  readonly group: string;
  readonly #client: KafkaClientConsumer;
  readonly #options: ResolvedKafkaOptions;
  readonly #topics: readonly string[];
  /** Next offset to deliver, per assigned partition. */
  readonly #positions = new Map<string, bigint>();
  /** Bumped whenever a partition's position is set from outside the fetch loop. */
  readonly #epochs = new Map<string, number>();
  readonly #pendingSeeks = new Map<string, TopicPosition>();
  #assigned: Array<{ topic: string; partition: number }> = [];
  #assignmentStale = true;
  #buffer: Buffered[] = [];
  #inflight: Promise<void> | null = null;
  #fetchError: unknown = null;
  /** An error of the client's background group work (a rejoin that ran out of retries). */
  #groupError: unknown = null;
  #closed = false;

  private constructor(client: KafkaClientConsumer, group: string, topics: readonly string[], options: ResolvedKafkaOptions) {
    this.#client = client;
    this.group = group;
    this.#topics = topics;
    this.#options = options;
    client.on('consumer:group:join', () => {
      this.#assignmentStale = true;
    });
    // Without a listener an 'error' event kills the process (a connection closed during a rejoin, say):
    // poll rejoins on a retriable one and throws any other.
    client.on('error', (error: unknown) => {
      if (!this.#closed) this.#groupError = error;
    });
  }

  /** Joins `group` for `topics` (which must exist) and returns once this member has its assignment. */
  static async join(group: string, topics: readonly string[], options: ResolvedKafkaOptions): Promise<KafkaConsumer> {
    const client = new KafkaClientConsumer({
      clientId: `${options.clientId}-${group}`,
      bootstrapBrokers: [...options.brokers],
      groupId: group,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      timeout: options.requestTimeoutMs,
      autocommit: false,
      retries: 3,
      retryDelay: 250,
    });
    const consumer = new KafkaConsumer(client, group, topics, options);
    try {
      for (const t of topics) client.topics.track(t);
      await withRetry(`join group ${group}`, () => client.joinGroup({}), { capMs: options.retryCapMs, outage: options.outage });
    } catch (error) {
      await client.close(true).catch(() => {});
      throw toLaminiError(error, `join group ${group}`);
    }
    return consumer;
  }

  /** Partitions assigned to this member at the last join. */
  assignment(): Array<{ topic: string; partition: number }> {
    return (this.#client.assignments ?? []).flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
  }

  async poll(options: PollOptions): Promise<ConsumedMessage[]> {
    const deadline = Date.now() + options.maxWaitMs;
    for (;;) {
      if (this.#closed) return [];
      if (this.#fetchError !== null) {
        const error = this.#fetchError;
        this.#fetchError = null;
        if (!isRetriable(error)) throw toLaminiError(error, `fetch for group ${this.group}`);
        // The broker is away: back off, keep the positions, and let the caller poll again.
        this.#options.outage.failed(describeError(toLaminiError(error, `fetch for group ${this.group}`)));
        await sleep(Math.min(500, Math.max(0, deadline - Date.now())), options.signal);
      }
      if (this.#groupError !== null) {
        const error = this.#groupError;
        this.#groupError = null;
        if (!isRetriable(error)) throw toLaminiError(error, `group ${this.group}`);
        await withRetry(`rejoin group ${this.group}`, () => this.#client.joinGroup({}), { capMs: this.#options.retryCapMs, outage: this.#options.outage, signal: options.signal });
        this.#assignmentStale = true;
      }
      if (this.#assignmentStale) await this.#reconcile(options.signal);
      this.#applySeeks();
      const batch = this.#take(options.maxMessages);
      const left = deadline - Date.now();
      if (batch.length > 0 || left <= 0 || options.signal?.aborted) return batch;
      // The fetch long-polls the broker for at least FETCH_WAIT_MS even when this poll waits less (a runner with
      // records in flight polls briefly): it stays in flight after this poll returns and the next poll takes
      // its records, so short polls do not turn into a storm of empty fetches.
      if (this.#inflight === null && this.#assigned.length > 0) this.#inflight = this.#fetch(Math.min(Math.max(left, FETCH_WAIT_MS), 5000));
      await Promise.race([this.#inflight ?? sleep(left, options.signal), sleep(left, options.signal)]);
    }
  }

  async commit(positions: readonly TopicPosition[]): Promise<void> {
    if (positions.length === 0) return;
    this.#assertOpen();
    const offsets = positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: BigInt(p.offset), leaderEpoch: -1 }));
    await withRetry(`commit for group ${this.group}`, () => this.#client.commit({ offsets }), { capMs: this.#options.retryCapMs, outage: this.#options.outage });
  }

  async committed(): Promise<TopicPosition[]> {
    this.#assertOpen();
    const metadata = await this.#metadata();
    const topics = this.#topics.map((topic) => ({ topic, partitions: range(partitionCount(metadata, topic)) }));
    const found = await withRetry(`committed offsets of ${this.group}`, () => this.#client.listCommittedOffsets({ topics }), {
      capMs: this.#options.retryCapMs, outage: this.#options.outage,
    });
    const out: TopicPosition[] = [];
    for (const { topic, partitions } of topics) {
      for (const partition of partitions) {
        const offset = found.get(topic)?.[partition];
        if (offset !== undefined && offset >= 0n) out.push({ topic, partition, offset: Number(offset) });
      }
    }
    return out;
  }

  seek(position: TopicPosition): void {
    this.#pendingSeeks.set(tp(position.topic, position.partition), position);
  }

  /** Messages in this member's partitions that the group has not committed: end offset − committed. */
  async lag(): Promise<number> {
    this.#assertOpen();
    const assigned = this.assignment();
    if (assigned.length === 0) return 0;
    const topics = groupByTopic(assigned);
    const retrying = { capMs: this.#options.retryCapMs, outage: this.#options.outage };
    const [ends, starts, committed] = await Promise.all([
      withRetry('end offsets', () => this.#listOffsets(topics, ListOffsetTimestamps.LATEST), retrying),
      withRetry('start offsets', () => this.#listOffsets(topics, ListOffsetTimestamps.EARLIEST), retrying),
      withRetry('committed offsets', () => this.#client.listCommittedOffsets({ topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) }), retrying),
    ]);
    let lag = 0n;
    for (const { topic, partition } of assigned) {
      const end = ends.get(topic)?.[partition] ?? 0n;
      const c = committed.get(topic)?.[partition] ?? -1n;
      const from = c >= 0n ? c : (starts.get(topic)?.[partition] ?? 0n);
      if (end > from) lag += end - from;
    }
    return Number(lag);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#inflight?.catch(() => {});
    await this.#client.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new LaminiError(ErrorCodes.TRANSPORT_CLOSED, `the Kafka consumer of group ${this.group} is closed`);
  }

  /** After a (re)join: drop revoked partitions, start new ones at the committed offset (else the earliest). */
  async #reconcile(signal: AbortSignal | undefined): Promise<void> {
    this.#assignmentStale = false;
    const assigned = this.assignment();
    const keys = new Set(assigned.map((a) => tp(a.topic, a.partition)));
    for (const key of [...this.#positions.keys()]) {
      if (!keys.has(key)) {
        this.#positions.delete(key);
        this.#bump(key);
      }
    }
    const fresh = assigned.filter((a) => !this.#positions.has(tp(a.topic, a.partition)));
    this.#assigned = assigned;
    if (fresh.length === 0) return;
    const topics = groupByTopic(fresh);
    try {
      const committed = await withRetry(
        `committed offsets of ${this.group}`,
        () => this.#client.listCommittedOffsets({ topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) }),
        { capMs: this.#options.retryCapMs, outage: this.#options.outage, signal },
      );
      const missing = fresh.filter((a) => (committed.get(a.topic)?.[a.partition] ?? -1n) < 0n);
      const earliest = missing.length > 0
        ? await withRetry('start offsets', () => this.#listOffsets(groupByTopic(missing), ListOffsetTimestamps.EARLIEST), { capMs: this.#options.retryCapMs, outage: this.#options.outage, signal })
        : new Map<string, bigint[]>();
      for (const { topic, partition } of fresh) {
        const c = committed.get(topic)?.[partition] ?? -1n;
        const offset = c >= 0n ? c : (earliest.get(topic)?.[partition] ?? 0n);
        this.#positions.set(tp(topic, partition), offset);
        this.#bump(tp(topic, partition));
      }
    } catch (error) {
      this.#assignmentStale = true;
      throw toLaminiError(error, `positions for group ${this.group}`);
    }
  }

  #applySeeks(): void {
    for (const [key, p] of this.#pendingSeeks) {
      if (!this.#positions.has(key)) continue;
      this.#positions.set(key, BigInt(p.offset));
      this.#bump(key);
      this.#pendingSeeks.delete(key);
    }
  }

  #bump(key: string): void {
    this.#epochs.set(key, (this.#epochs.get(key) ?? 0) + 1);
  }

  /** Up to `max` buffered messages that sit at their partition's position; stale ones are dropped. */
  #take(max: number): ConsumedMessage[] {
    const out: ConsumedMessage[] = [];
    let i = 0;
    for (; i < this.#buffer.length && out.length < max; i++) {
      const { message, epoch } = this.#buffer[i]!;
      const key = tp(message.topic, message.partition);
      const position = this.#positions.get(key);
      if (position === undefined || epoch !== (this.#epochs.get(key) ?? 0) || BigInt(message.offset) < position) continue;
      out.push(message);
      this.#positions.set(key, BigInt(message.offset) + 1n);
    }
    this.#buffer = this.#buffer.slice(i);
    return out;
  }

  /** One fetch from each leader of the assigned partitions, at their positions; results go to the buffer. */
  async #fetch(maxWaitMs: number): Promise<void> {
    try {
      const metadata = await this.#metadata();
      const topicNames = new Map<string, string>();
      const byLeader = new Map<number, Map<string, Array<{ partition: number; fetchOffset: bigint }>>>();
      const epochs = new Map(this.#epochs);
      for (const { topic, partition } of this.#assigned) {
        const position = this.#positions.get(tp(topic, partition));
        const meta = metadata.topics.get(topic);
        const leader = meta?.partitions[partition]?.leader;
        if (position === undefined || meta === undefined || leader === undefined) continue;
        topicNames.set(meta.id, topic);
        const topics = byLeader.get(leader) ?? new Map<string, Array<{ partition: number; fetchOffset: bigint }>>();
        const parts = topics.get(meta.id) ?? [];
        parts.push({ partition, fetchOffset: position });
        topics.set(meta.id, parts);
        byLeader.set(leader, topics);
      }
      await Promise.all(
        [...byLeader].map(async ([node, topics]) => {
          const request = [...topics].map(([topicId, parts]) => ({
            topicId,
            partitions: parts.map((p) => ({
              partition: p.partition,
              fetchOffset: p.fetchOffset,
              partitionMaxBytes: this.#options.fetchMaxBytesPerPartition,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          }));
          const requested = new Map(request.flatMap((t) => t.partitions.map((p) => [`${t.topicId}\u0000${p.partition}`, p.fetchOffset] as const)));
          let response: FetchResponse;
          try {
            response = await this.#client.fetch({
              node,
              topics: request,
              maxWaitTime: Math.max(10, maxWaitMs),
              minBytes: 1,
              maxBytes: this.#options.fetchMaxBytes,
              isolationLevel: FetchIsolationLevels.READ_COMMITTED,
            });
          } catch (error) {
            if (hasKafkaError(error, 'OFFSET_OUT_OF_RANGE')) {
              await this.#resetOutOfRange(error, topicNames);
              return;
            }
            throw error;
          }
          this.#collect(response, topicNames, requested, epochs);
        }),
      );
      this.#options.outage.ok();
    } catch (error) {
      if (!this.#closed) this.#fetchError = error;
    } finally {
      this.#inflight = null;
    }
  }

  #collect(response: FetchResponse, topicNames: Map<string, string>, requested: Map<string, bigint>, epochs: Map<string, number>): void {
    for (const t of response.responses) {
      const topic = topicNames.get(t.topicId);
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const from = requested.get(`${t.topicId}\u0000${p.partitionIndex}`);
        if (from === undefined || !p.records) continue;
        const epoch = epochs.get(tp(topic, p.partitionIndex)) ?? 0;
        for (const batch of p.records) {
          if (batch.attributes & CONTROL_BATCH) continue;
          for (const record of batch.records) {
            const offset = batch.firstOffset + BigInt(record.offsetDelta);
            if (offset < from) continue; // a compressed batch starts before the requested offset
            const message: ConsumedMessage = {
              topic,
              partition: p.partitionIndex,
              offset: Number(offset),
              key: record.key === null ? '' : record.key.toString('utf8'),
              value: record.value ?? new Uint8Array(0),
            };
            if (record.headers.length > 0) message.headers = toHeaders(record.headers);
            this.#buffer.push({ message, epoch });
          }
        }
      }
    }
  }

  /** A position past the log (retention deleted it, or a seek beyond the end): restart at the earliest. */
  async #resetOutOfRange(error: unknown, topicNames: Map<string, string>): Promise<void> {
    const response = (error as { response?: FetchResponse }).response;
    const out: Array<{ topic: string; partition: number }> = [];
    for (const t of response?.responses ?? []) {
      const topic = topicNames.get(t.topicId);
      if (topic === undefined) continue;
      for (const p of t.partitions) if (p.errorCode === OFFSET_OUT_OF_RANGE) out.push({ topic, partition: p.partitionIndex });
    }
    if (out.length === 0) return;
    const earliest = await this.#listOffsets(groupByTopic(out), ListOffsetTimestamps.EARLIEST);
    for (const { topic, partition } of out) {
      const key = tp(topic, partition);
      if (!this.#positions.has(key)) continue;
      this.#positions.set(key, earliest.get(topic)?.[partition] ?? 0n);
      this.#bump(key);
    }
  }

  #metadata(): Promise<ClusterMetadata> {
    return this.#client.metadata({ topics: [...this.#topics] });
  }

  #listOffsets(topics: Map<string, number[]>, timestamp: bigint): Promise<Map<string, bigint[]>> {
    return this.#client.listOffsets({
      topics: [...topics.keys()],
      partitions: Object.fromEntries(topics),
      timestamp,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
  }
}

/** Bit 5 of a record batch's attributes: a transaction marker, not data. */
const CONTROL_BATCH = 0x20;
const OFFSET_OUT_OF_RANGE = 1;

function groupByTopic(parts: ReadonlyArray<{ topic: string; partition: number }>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { topic, partition } of parts) out.set(topic, [...(out.get(topic) ?? []), partition]);
  return out;
}

function partitionCount(metadata: ClusterMetadata, topic: string): number {
  const meta = metadata.topics.get(topic);
  if (meta === undefined) throw new LaminiError(ErrorCodes.TOPIC_UNKNOWN, `kafka: no topic ${topic}`);
  return meta.partitionsCount;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function toHeaders(headers: ReadonlyArray<[Buffer | null, Buffer | null]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) if (k !== null) out[k.toString('utf8')] = v === null ? '' : v.toString('utf8');
  return out;
}
