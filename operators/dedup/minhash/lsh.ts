/**
 * Stage 3 of MinHash: locality-sensitive hashing. A signature of k values is cut into `bands` bands of
 * `rows` values; each band is hashed to a 32-bit key (the band number is part of the hash), and two
 * records become candidates when any band key is equal: P = 1 − (1 − J^rows)^bands.
 *
 * Buckets are typed arrays, one table for all bands: entry e = record · bands + band holds its key and
 * the previous entry of its slot (a chain), side by side; `heads[key & mask]` is the newest entry of each
 * slot, with one slot per entry. A
 * chain mixes keys that share a slot, so a lookup compares keys; equal keys of unrelated records only
 * add a candidate that the exact check (verify.ts) rejects.
 */
import { fmix32, mixIn } from './mix.ts';
import { PAGE_BITS, PagedInt32 } from './paged.ts';

const PAGE_MASK = (1 << PAGE_BITS) - 1;

/** Writes the `bands` band keys of `sig` into `out`. */
export function bandKeys(sig: Int32Array, bands: number, rows: number, seed: number, out: Int32Array): void {
  for (let b = 0; b < bands; b++) {
    let h = seed ^ Math.imul(b + 1, 0x9e3779b1);
    const base = b * rows;
    for (let r = 0; r < rows; r++) h = mixIn(h, sig[base + r]!);
    out[b] = fmix32(h ^ rows);
  }
}

export class LshTable {
  readonly bands: number;
  /** Entry e at [2e] (its key) and [2e + 1] (the previous entry of its slot): one cache line a step. */
  readonly #entries = new PagedInt32();
  /** Per record: the number of the last query that met it, so a candidate is reported once. */
  readonly #seen = new PagedInt32();
  #heads: Int32Array;
  #query = 0;
  /** Candidates of the last `candidates()` call. */
  found = new Int32Array(64);

  constructor(bands: number) {
    this.bands = bands;
    this.#heads = new Int32Array(1024).fill(-1);
  }

  get records(): number {
    return this.#seen.length;
  }

  get #count(): number {
    return this.#entries.length >>> 1;
  }

  /** Adds the next record (its number is `records` before the call) under its band keys. */
  insert(keys: Int32Array): void {
    const bands = this.bands;
    const heads = this.#heads;
    const mask = heads.length - 1;
    for (let b = 0; b < bands; b++) {
      const key = keys[b]!;
      const slot = key & mask;
      const e = this.#count;
      this.#entries.push(key);
      this.#entries.push(heads[slot]!);
      heads[slot] = e;
    }
    this.#seen.push(0);
    // One slot per entry: chains of about one, so a lookup costs about two cache misses.
    if (this.#count > heads.length) this.#rehash(heads.length * 2);
  }

  /** Fills `found[0..count)` with the distinct records sharing a band key with `keys`; returns count. */
  candidates(keys: Int32Array): number {
    const bands = this.bands;
    const heads = this.#heads;
    const mask = heads.length - 1;
    const pages = this.#entries.pages;
    const stamp = ++this.#query;
    let count = 0;
    for (let b = 0; b < bands; b++) {
      const key = keys[b]!;
      let e = heads[key & mask]!;
      while (e >= 0) {
        const at = e << 1;
        const page = pages[at >>> PAGE_BITS]!;
        const off = at & PAGE_MASK;
        if (page[off] === key) {
          const rec = (e / bands) | 0;
          if (this.#seen.get(rec) !== stamp) {
            this.#seen.set(rec, stamp);
            if (count === this.found.length) {
              const grown = new Int32Array(count * 2);
              grown.set(this.found);
              this.found = grown;
            }
            this.found[count++] = rec;
          }
        }
        e = page[off + 1]!;
      }
    }
    return count;
  }

  /** All band keys, record-major (for snapshots). */
  keysArray(): Int32Array {
    const n = this.#count;
    const out = new Int32Array(n);
    for (let e = 0; e < n; e++) out[e] = this.#entries.get(e << 1);
    return out;
  }

  /** Rebuilds a table from `keysArray()`. */
  static fromKeys(bands: number, keys: Int32Array): LshTable {
    const table = new LshTable(bands);
    const records = keys.length / bands;
    for (let r = 0; r < records; r++) table.insert(keys.subarray(r * bands, (r + 1) * bands));
    return table;
  }

  get bytes(): number {
    return this.#entries.bytes + this.#seen.bytes + this.#heads.byteLength + this.found.byteLength;
  }

  #rehash(capacity: number): void {
    const heads = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    const n = this.#count;
    const pages = this.#entries.pages;
    for (let e = 0; e < n; e++) {
      const at = e << 1;
      const page = pages[at >>> PAGE_BITS]!;
      const off = at & PAGE_MASK;
      const slot = page[off]! & mask;
      page[off + 1] = heads[slot]!;
      heads[slot] = e;
    }
    this.#heads = heads;
  }
}
