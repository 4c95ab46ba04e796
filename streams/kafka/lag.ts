/**
 * Consumer lag of groups, read from outside through the admin API: the group's committed offsets
 * (OffsetFetch), the topics' log-end and log-start offsets (ListOffsets) and the group's state and
 * members (DescribeGroups). Nothing here joins a group, so reading the lag of a running pipeline never
 * triggers a rebalance.
 *
 *   lag of a partition = end − committed   (no commit yet: end − log start, where a new member starts)
 */
import type { Admin } from '@platformatic/kafka';
import { FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import { withRetry } from './errors.ts';
import { resolveKafkaOptions, type KafkaTransportOptions } from './options.ts';
import { createAdmin } from './transport.ts';

/** A consumer group and the topics it reads. */
export interface GroupInputs {
  group: string;
  topics: readonly string[];
}

export interface TopicLag {
  topic: string;
  /** 0 when the topic does not exist (yet). */
  partitions: number;
  /** Sum of the committed offsets of the partitions that have one. */
  committed: number;
  /** Partitions with a committed offset. */
  committedPartitions: number;
  /** Sum of the log-end offsets (last stable offsets: what a read-committed consumer can reach). */
  end: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  /** The broker's group state (`Stable`, `Empty`, `Dead` for a group that never committed, …). */
  state: string;
  members: number;
  lag: number;
  topics: TopicLag[];
}

type Offsets = Map<string, Map<number, bigint>>;

/** Lag of each group on its topics, in the order given; retriable failures are retried for `retryCapMs`. */
export async function readGroupLag(options: KafkaTransportOptions, groups: readonly GroupInputs[]): Promise<GroupLag[]> {
  const resolved = resolveKafkaOptions(options);
  const admin = createAdmin(resolved);
  const again = <T>(what: string, fn: () => Promise<T>): Promise<T> => withRetry(what, fn, { capMs: resolved.retryCapMs });
  try {
    const topics = [...new Set(groups.flatMap((g) => g.topics))];
    const existing = new Set(await again('list topics', () => admin.listTopics()));
    const present = topics.filter((t) => existing.has(t));
    const counts = new Map<string, number>();
    if (present.length > 0) {
      const metadata = await again('topic metadata', () => admin.metadata({ topics: present }));
      for (const t of present) counts.set(t, metadata.topics.get(t)?.partitionsCount ?? 0);
    }
    const ids = groups.map((g) => g.group);
    const [ends, starts, committed, described] = await Promise.all([
      again('end offsets', () => listOffsets(admin, counts, ListOffsetTimestamps.LATEST)),
      again('start offsets', () => listOffsets(admin, counts, ListOffsetTimestamps.EARLIEST)),
      again('committed offsets', () => committedOffsets(admin, groups.filter((g) => g.topics.some((t) => counts.has(t))))),
      again('describe groups', () => admin.describeGroups({ groups: ids })),
    ]);
    return groups.map(({ group, topics: inputs }) => {
      const own = committed.get(group) ?? new Map();
      const perTopic = inputs.map((topic) => topicLag(topic, counts.get(topic) ?? 0, ends.get(topic), starts.get(topic), own.get(topic)));
      const d = described.get(group);
      return {
        group, state: d?.state ?? 'Unknown', members: d?.members.size ?? 0,
        lag: perTopic.reduce((n, t) => n + t.lag, 0), topics: perTopic,
      };
    });
  } finally {
    await admin.close().catch(() => {});
  }
}

function topicLag(topic: string, partitions: number, ends: Map<number, bigint> | undefined, starts: Map<number, bigint> | undefined,
  committed: Map<number, bigint> | undefined): TopicLag {
  let sumCommitted = 0n;
  let sumEnd = 0n;
  let lag = 0n;
  let withCommit = 0;
  for (let p = 0; p < partitions; p++) {
    const end = ends?.get(p) ?? 0n;
    const c = committed?.get(p) ?? -1n;
    sumEnd += end;
    if (c >= 0n) {
      sumCommitted += c;
      withCommit++;
    }
    const from = c >= 0n ? c : (starts?.get(p) ?? 0n);
    if (end > from) lag += end - from;
  }
  return { topic, partitions, committed: Number(sumCommitted), committedPartitions: withCommit, end: Number(sumEnd), lag: Number(lag) };
}

async function listOffsets(admin: Admin, counts: Map<string, number>, timestamp: bigint): Promise<Offsets> {
  const out: Offsets = new Map();
  if (counts.size === 0) return out;
  const topics = [...counts].map(([name, n]) => ({
    name, partitions: Array.from({ length: n }, (_, partitionIndex) => ({ partitionIndex, timestamp })),
  }));
  for (const t of await admin.listOffsets({ topics, isolationLevel: FetchIsolationLevels.READ_COMMITTED })) {
    out.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.offset])));
  }
  return out;
}

/** Committed offsets per group, topic and partition; -1 where the group committed nothing. */
async function committedOffsets(admin: Admin, groups: readonly GroupInputs[]): Promise<Map<string, Offsets>> {
  const out = new Map<string, Offsets>();
  if (groups.length === 0) return out;
  for (const g of await admin.listConsumerGroupOffsets({ groups: groups.map((x) => x.group) })) {
    out.set(g.groupId, new Map(g.topics.map((t) => [t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.committedOffset]))])));
  }
  return out;
}
