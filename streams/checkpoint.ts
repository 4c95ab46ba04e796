/**
 * Checkpoints of an ordered operator's state on a durable log (the dedup index on Kafka). The state is
 * saved only right after a commit, so it covers exactly the group's committed positions; on a restart
 * the runner restores it and replays the input from the positions it covers up to the group's committed
 * ones through the operator, outputs discarded (they were sent before the commit), then goes on live:
 *
 *   offsets:   0 ........ covers ........ committed ........ end
 *              in the restored state │ replayed, not sent │ processed and sent (live)
 *
 * The records after the committed positions were in flight at the stop: they are processed again and
 * their outputs sent again (downstream is idempotent on ids).
 */
import type { ConsumedMessage, Consumer, TopicPosition } from './transport.ts';

export interface OperatorCheckpoint {
  /** Input positions the restored state covers; undefined when it was not restored from a checkpoint. */
  readonly covers: readonly TopicPosition[] | undefined;
  /**
   * The group's committed positions (every partition known) and the records processed since the last
   * call: at start when nothing was restored, after each commit, and with `force` on a clean stop.
   * The state then covers exactly `positions`; the checkpoint decides whether to save it.
   */
  save(positions: readonly TopicPosition[], progress: { records: number; force: boolean }): Promise<void>;
  /** After the replay: how many records it processed, and whether it reached the committed positions. */
  replayed?(records: number, complete: boolean): void;
}

const tp = (p: { topic: string; partition: number }): string => `${p.topic}\u0000${p.partition}`;

export interface ReplayPlan {
  /** Where to read from first, per partition. */
  from: TopicPosition[];
  /** Per partition (`topic\0partition`): replay offsets below this. */
  until: Map<string, number>;
  /** Where live processing starts, per partition: the committed position. */
  live: TopicPosition[];
}

/**
 * What to replay: every partition the group committed reads from the covered position (0 for a
 * partition the state never read) and replays up to the committed one, then goes live there. A covered
 * position past the committed one (the group lost its offsets, or the topic was made anew) replays
 * nothing and goes live at the committed position: records read again are checked against the state
 * (at worst dropped twice), none is skipped. A partition the group never committed starts as usual.
 */
export function replayPlan(covers: readonly TopicPosition[], committed: readonly TopicPosition[]): ReplayPlan {
  const coveredAt = new Map(covers.map((p) => [tp(p), p.offset]));
  const plan: ReplayPlan = { from: [], until: new Map(), live: [] };
  for (const c of committed) {
    const start = coveredAt.get(tp(c)) ?? 0;
    if (c.offset > start) {
      plan.from.push({ topic: c.topic, partition: c.partition, offset: start });
      plan.until.set(tp(c), c.offset);
    }
    plan.live.push({ topic: c.topic, partition: c.partition, offset: c.offset });
  }
  return plan;
}

/** The committed positions of a group, kept up to date as the runner commits. */
export class CommittedPositions {
  readonly #at = new Map<string, TopicPosition>();

  set(positions: readonly TopicPosition[]): void {
    for (const p of positions) this.#at.set(tp(p), p);
  }

  list(): TopicPosition[] {
    return [...this.#at.values()];
  }

  clear(): void {
    this.#at.clear();
  }
}

/**
 * Reads the plan's replay range and passes each record to `apply`; records at or past a partition's
 * replay end are left for live processing: at the end the consumer is sought back to `plan.live` (and a
 * partition outside the plan to its first record read here). Ends when every partition reached its end,
 * on `signal`, or after `idleMs` without a record (records deleted by retention, say): `complete` says which.
 */
export async function replayInput(
  consumer: Consumer, plan: ReplayPlan, apply: (m: ConsumedMessage) => Promise<void>,
  options: { signal: AbortSignal; idleMs?: number },
): Promise<{ records: number; complete: boolean }> {
  const left = new Map(plan.until);
  if (left.size === 0) {
    for (const p of plan.live) consumer.seek(p);
    return { records: 0, complete: true };
  }
  for (const p of plan.from) consumer.seek(p);
  const back = new Map<string, TopicPosition>();
  let records = 0;
  let lastRecordAt = Date.now();
  while (left.size > 0 && !options.signal.aborted && Date.now() - lastRecordAt < (options.idleMs ?? 30_000)) {
    const batch = await consumer.poll({ maxMessages: 512, maxWaitMs: 250, signal: options.signal });
    if (batch.length > 0) lastRecordAt = Date.now();
    for (const m of batch) {
      const end = left.get(tp(m));
      if (end === undefined || m.offset >= end) {
        if (!back.has(tp(m))) back.set(tp(m), { topic: m.topic, partition: m.partition, offset: m.offset });
      }
      if (end === undefined) continue;
      if (m.offset < end) {
        await apply(m);
        records++;
      }
      if (m.offset >= end - 1) left.delete(tp(m));
    }
  }
  for (const p of plan.live) back.set(tp(p), p);
  for (const p of back.values()) consumer.seek(p);
  return { records, complete: left.size === 0 };
}
