/**
 * What the index keeps per kept record: its id, and its sorted shingle hashes packed into shared
 * 4 MiB pages (a record never straddles two pages; one longer than a page gets a page of its own).
 * Ids are found again through an open-addressing table of record numbers keyed by a hash of the id.
 */
import { fmix32 } from './mix.ts';
import { PagedInt32 } from './paged.ts';

const POOL_PAGE = 1 << 20;

export class RecordStore {
  readonly ids: string[] = [];
  readonly pages: Uint32Array[] = [];
  readonly page = new PagedInt32();
  readonly offset = new PagedInt32();
  readonly length = new PagedInt32();
  /** 1 once the record's run is sorted (runs are sorted the first time they are verified). */
  readonly sorted = new PagedInt32();
  #fill = POOL_PAGE;
  #idSlots = new Int32Array(1024);

  get size(): number {
    return this.ids.length;
  }

  /** Appends a record; `shingles[0..n)` is duplicate-free, sorted if `sorted`. Returns its number. */
  add(id: string, shingles: Uint32Array, n: number, sorted: boolean): number {
    this.sorted.push(sorted ? 1 : 0);
    if (n > POOL_PAGE) {
      // A page of its own (texts of over a million tokens); the next record starts a new shared page.
      this.pages.push(shingles.slice(0, n));
      this.#push(id, this.pages.length - 1, 0, n);
      this.#fill = POOL_PAGE;
      return this.ids.length - 1;
    }
    let p = this.pages.length - 1;
    if (this.#fill + n > POOL_PAGE) {
      this.pages.push(new Uint32Array(POOL_PAGE));
      this.#fill = 0;
      p = this.pages.length - 1;
    }
    this.pages[p]!.set(shingles.subarray(0, n), this.#fill);
    this.#push(id, p, this.#fill, n);
    this.#fill += n;
    return this.ids.length - 1;
  }

  /** Sorts record `r`'s run in place if it is not sorted yet. */
  ensureSorted(r: number): void {
    if (this.sorted.get(r) === 1) return;
    const off = this.offset.get(r);
    this.pages[this.page.get(r)]!.subarray(off, off + this.length.get(r)).sort();
    this.sorted.set(r, 1);
  }

  /** The record number of `id`, or -1. */
  lookup(id: string): number {
    const slots = this.#idSlots;
    const mask = slots.length - 1;
    for (let s = hashString(id) & mask; ; s = (s + 1) & mask) {
      const v = slots[s]!;
      if (v === 0) return -1;
      if (this.ids[v - 1] === id) return v - 1;
    }
  }

  get bytes(): number {
    let b = this.page.bytes + this.offset.bytes + this.length.bytes + this.sorted.bytes + this.#idSlots.byteLength;
    for (const p of this.pages) b += p.byteLength;
    return b;
  }

  #push(id: string, page: number, offset: number, n: number): void {
    this.ids.push(id);
    this.page.push(page);
    this.offset.push(offset);
    this.length.push(n);
    if (this.ids.length * 2 > this.#idSlots.length) this.#growIds();
    else this.#indexId(this.ids.length - 1);
  }

  #indexId(record: number): void {
    const slots = this.#idSlots;
    const mask = slots.length - 1;
    let s = hashString(this.ids[record]!) & mask;
    while (slots[s] !== 0) {
      // Keep the first record of a repeated id: `lookup` answers with the earliest.
      if (this.ids[slots[s]! - 1] === this.ids[record]) return;
      s = (s + 1) & mask;
    }
    slots[s] = record + 1;
  }

  #growIds(): void {
    this.#idSlots = new Int32Array(this.#idSlots.length * 2);
    for (let r = 0; r < this.ids.length; r++) this.#indexId(r);
  }
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h ^ s.length);
}
