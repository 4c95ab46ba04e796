/**
 * Applying BPE merges to one word, as HF `tokenizers` does (`Word::merge_all`): repeatedly merge the adjacent pair
 * with the lowest rank, the leftmost one when the same pair occurs twice, until no adjacent pair has a merge.
 *
 * Two implementations with the same result: a rescan of a small rank array for short words (the common case,
 * fastest there) and HF's heap over a linked list for long ones (a long run of spaces or punctuation would
 * otherwise cost quadratic time). A unit test checks that they agree.
 */
import { BinaryHeap } from './heap.ts';

/** Pair of symbol ids → (rank, merged id). Later duplicates of a pair override earlier ones, as in HF. */
export class MergeTable {
  readonly #base: number;
  readonly #ranks = new Map<number, number>();
  readonly #results: Int32Array;

  /** `merges[rank] = [left id, right id, merged id]`; every id is below `idLimit`. */
  constructor(merges: readonly (readonly [number, number, number])[], idLimit: number) {
    this.#base = idLimit;
    this.#results = new Int32Array(merges.length);
    merges.forEach(([a, b, merged], rank) => {
      this.#ranks.set(a * idLimit + b, rank);
      this.#results[rank] = merged;
    });
  }

  /** The rank of merging `a` then `b`, or undefined when there is none. */
  rank(a: number, b: number): number | undefined {
    return this.#ranks.get(a * this.#base + b);
  }

  /** The id that the merge of this rank produces. */
  result(rank: number): number {
    return this.#results[rank] ?? -1;
  }
}

/** Words longer than this (in bytes) take the heap path. */
export const HEAP_THRESHOLD = 64;

/** Merges `symbols` (byte ids) in place as far as the table allows and returns them. */
export function mergeWord(symbols: number[], table: MergeTable): number[] {
  return symbols.length > HEAP_THRESHOLD ? mergeWithHeap(symbols, table) : mergeByScan(symbols, table);
}

const NONE = Number.POSITIVE_INFINITY;

/** Quadratic in the word's length but with small constants: one rank per adjacent pair, rescanned per merge. */
export function mergeByScan(symbols: number[], table: MergeTable): number[] {
  const ranks: number[] = [];
  for (let i = 0; i + 1 < symbols.length; i++) ranks.push(rankAt(symbols, i, table));
  while (ranks.length > 0) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < ranks.length; i++) {
      const r = ranks[i] as number;
      if (r < best) {
        best = r;
        at = i;
      }
    }
    if (at < 0) break;
    symbols[at] = table.result(best);
    symbols.splice(at + 1, 1);
    ranks.splice(at, 1);
    if (at > 0) ranks[at - 1] = rankAt(symbols, at - 1, table);
    if (at < ranks.length) ranks[at] = rankAt(symbols, at, table);
  }
  return symbols;
}

function rankAt(symbols: readonly number[], i: number, table: MergeTable): number {
  return table.rank(symbols[i] as number, symbols[i + 1] as number) ?? NONE;
}

/**
 * HF's algorithm: a doubly linked list of symbols and a min-heap of (rank, position of the left symbol); an entry
 * whose pair has changed since it was pushed is skipped when it comes out.
 */
export function mergeWithHeap(symbols: number[], table: MergeTable): number[] {
  const n = symbols.length;
  if (n < 2) return symbols;
  const ids = Int32Array.from(symbols);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const removed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // One number per entry, rank-major: rank * 2^32 + position stays exact below 2^53.
  const POS = 2 ** 32;
  const heap = new BinaryHeap<number>((x, y) => x < y);
  const push = (left: number): void => {
    const right = next[left] as number;
    if (right < 0) return;
    const r = table.rank(ids[left] as number, ids[right] as number);
    if (r !== undefined) heap.push(r * POS + left);
  };
  for (let i = 0; i + 1 < n; i++) push(i);
  for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) {
    const rank = Math.floor(entry / POS);
    const left = entry - rank * POS;
    const right = next[left] as number;
    if (removed[left] === 1 || right < 0) continue;
    if (table.rank(ids[left] as number, ids[right] as number) !== rank) continue;
    ids[left] = table.result(rank);
    removed[right] = 1;
    const after = next[right] as number;
    next[left] = after;
    if (after >= 0) prev[after] = left;
    const before = prev[left] as number;
    if (before >= 0) push(before);
    push(left);
  }
  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i] as number) out.push(ids[i] as number);
  return out;
}
