/**
 * The training order of one pass, as a pure function of (seed, epoch, pass range, shard row counts): a block
 * shuffle (mosaicml/streaming's `py1b` idea). The pass's shards are permuted, their rows concatenated in that
 * order into a virtual sequence of N rows, the sequence cut into blocks of `shuffleBlock` rows, and the rows
 * of each block permuted. Position p of the pass therefore maps to (shard, row) with no reading and no
 * history: a resumed run rebuilds one block and carries on, with no shuffle buffer to lose.
 *
 *   shards (manifest order)   s1[0..3) s2[0..2) s3[0..4)
 *   shard permutation         s3 s1 s2                   rng(seed, epoch, from, to)
 *   virtual sequence          s3:0 s3:1 s3:2 s3:3 | s1:0 s1:1 s1:2 | s2:0 s2:1
 *   blocks of 4               [0 1 2 3] [4 5 6 7] [8]
 *   row order in a block      permutation(len, seed, epoch, from, to, block)
 *
 * The random source is the planner's counter-based hash (`operators/planner/rng.ts`), so no generator state
 * exists to save.
 */
import { hash32 } from '../../operators/planner/rng.ts';

/** What the order of a pass depends on. */
export interface PassKey {
  seed: number;
  epoch: number;
  /** The pass covers shards with fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
}

/** A shard as the order sees it: its seq and its row count. */
export interface OrderShard {
  seq: number;
  rows: number;
}

/** Where a virtual index lands: the shard's index in the pass's (manifest-ordered) list and its row. */
export interface RowAddress {
  shard: number;
  row: number;
}

/** A contiguous run of one shard's rows that a block covers. */
export interface ShardSpan {
  shard: number;
  /** First row in the shard (inclusive) and end (exclusive). */
  fromRow: number;
  toRow: number;
  /** Virtual index of `fromRow`. */
  virtualStart: number;
}

// Domain tags keep the shard permutation and the block permutations on separate counter streams.
const SHARD_STREAM = 0x5348;
const BLOCK_STREAM = 0x424c;

/** A permutation of [0, n) (Fisher–Yates), a pure function of the counter. */
export function permute(n: number, ...counter: number[]): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = hash32(...counter, i) % (i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** The layout of one pass: shard order, block boundaries, and position → (shard, row). */
export class PassOrder {
  readonly key: PassKey;
  readonly shuffleBlock: number;
  /** Rows in the pass (eval rows included). */
  readonly length: number;
  /** Indices into the pass's shard list, in shuffled order. */
  readonly shardOrder: readonly number[];
  readonly #shards: readonly OrderShard[];
  /** Virtual index where each shuffled shard starts (parallel to shardOrder), plus the end. */
  readonly #starts: number[];

  constructor(key: PassKey, shards: readonly OrderShard[], shuffleBlock: number) {
    if (!Number.isSafeInteger(shuffleBlock) || shuffleBlock < 1) throw new RangeError(`shuffleBlock must be an integer >= 1, got ${shuffleBlock}`);
    this.key = key;
    this.shuffleBlock = shuffleBlock;
    this.#shards = shards;
    this.shardOrder = [...permute(shards.length, key.seed, SHARD_STREAM, key.epoch, key.fromSeq, key.toSeq)];
    this.#starts = [0];
    let total = 0;
    for (const i of this.shardOrder) {
      total += shards[i]!.rows;
      this.#starts.push(total);
    }
    this.length = total;
  }

  get blocks(): number {
    return Math.ceil(this.length / this.shuffleBlock);
  }

  blockOf(position: number): number {
    return Math.floor(position / this.shuffleBlock);
  }

  /** The virtual range [start, end) of block b. */
  blockRange(b: number): { start: number; end: number } {
    const start = b * this.shuffleBlock;
    return { start, end: Math.min(this.length, start + this.shuffleBlock) };
  }

  /** Row order inside block b: entry i is the offset (from the block's start) of the i-th row served. */
  blockPermutation(b: number): Uint32Array {
    const { start, end } = this.blockRange(b);
    const k = this.key;
    return permute(end - start, k.seed, BLOCK_STREAM, k.epoch, k.fromSeq, k.toSeq, b);
  }

  /** The shard spans covering the virtual range [start, end), in virtual order. */
  spans(start: number, end: number): ShardSpan[] {
    const out: ShardSpan[] = [];
    for (let k = this.#slot(start); k < this.shardOrder.length && this.#starts[k]! < end; k++) {
      const s0 = this.#starts[k]!;
      const s1 = this.#starts[k + 1]!;
      const from = Math.max(start, s0);
      const to = Math.min(end, s1);
      if (to > from) out.push({ shard: this.shardOrder[k]!, fromRow: from - s0, toRow: to - s0, virtualStart: from });
    }
    return out;
  }

  /** Virtual index v → (shard, row). */
  addressOfVirtual(v: number): RowAddress {
    const k = this.#slot(v);
    return { shard: this.shardOrder[k]!, row: v - this.#starts[k]! };
  }

  /** Position p of the pass → (shard, row). */
  address(position: number): RowAddress {
    if (!(position >= 0 && position < this.length)) throw new RangeError(`position ${position} is outside the pass (0..${this.length})`);
    const b = this.blockOf(position);
    const { start } = this.blockRange(b);
    return this.addressOfVirtual(start + this.blockPermutation(b)[position - start]!);
  }

  /** The shard's seq, for messages. */
  seqOf(shard: number): number {
    return this.#shards[shard]!.seq;
  }

  /** Index k in the shuffled order of the shard holding virtual index v (binary search over starts). */
  #slot(v: number): number {
    let lo = 0;
    let hi = this.shardOrder.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    // The largest k with starts[k] <= v: among empty shards sharing a start, the non-empty one after them.
    return lo;
  }
}
