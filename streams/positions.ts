/**
 * Commit positions when records finish out of order. Records of a partition are read in offset order and may
 * finish in any order (one slow teacher call must not hold back the others); a partition's committable position
 * is its oldest record still in flight, or the offset after the highest one read when none is, so a crash never
 * skips a record that was not done:
 *
 *   offsets read:   10  11  12  13  14
 *   finished:        ✓   ✓   ·   ✓   ✓     → commit 12 (12 is still in flight; 13 and 14 wait for it)
 *
 * A record can be read twice (after a rebalance the group reads again from its committed position): each read
 * counts, and the offset is in flight until every read of it finished.
 */
import type { ConsumedMessage, TopicPosition } from './transport.ts';

interface PartitionTrack {
  topic: string;
  partition: number;
  /** Reads in flight per offset. */
  inFlight: Map<number, number>;
  highestRead: number;
  /** The position committed last; at first, the first offset read (where the group's position was). */
  committed: number;
}

export class PositionTracker {
  readonly #partitions = new Map<string, PartitionTrack>();
  #open = 0;

  /** A record was read. */
  read(m: ConsumedMessage): void {
    const key = `${m.topic}\u0000${m.partition}`;
    let track = this.#partitions.get(key);
    if (track === undefined) {
      track = { topic: m.topic, partition: m.partition, inFlight: new Map(), highestRead: m.offset, committed: m.offset };
      this.#partitions.set(key, track);
    }
    track.inFlight.set(m.offset, (track.inFlight.get(m.offset) ?? 0) + 1);
    track.highestRead = Math.max(track.highestRead, m.offset);
    this.#open++;
  }

  /** A record read earlier is done: its outputs were sent. */
  finish(m: ConsumedMessage): void {
    const track = this.#partitions.get(`${m.topic}\u0000${m.partition}`);
    const reads = track?.inFlight.get(m.offset);
    if (track === undefined || reads === undefined) return;
    if (reads > 1) track.inFlight.set(m.offset, reads - 1);
    else track.inFlight.delete(m.offset);
    this.#open--;
  }

  /** Reads not finished yet. */
  get open(): number {
    return this.#open;
  }

  /** The positions that moved since the last call: per partition, its oldest offset in flight, or past the last read. */
  advance(): TopicPosition[] {
    const moved: TopicPosition[] = [];
    for (const t of this.#partitions.values()) {
      let next = t.highestRead + 1;
      for (const offset of t.inFlight.keys()) if (offset < next) next = offset;
      if (next <= t.committed) continue;
      t.committed = next;
      moved.push({ topic: t.topic, partition: t.partition, offset: next });
    }
    return moved;
  }
}
