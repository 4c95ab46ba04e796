/**
 * Growable Int32 / Uint32 storage in fixed pages: growth never copies and never holds twice the
 * memory, which keeps the index's footprint close to what it stores (bench/dedup/memory.bench.ts).
 */
export const PAGE_BITS = 16;
export const PAGE_SIZE = 1 << PAGE_BITS;
const MASK = PAGE_SIZE - 1;

export class PagedInt32 {
  readonly pages: Int32Array[] = [];
  length = 0;

  get(i: number): number {
    return this.pages[i >>> PAGE_BITS]![i & MASK]!;
  }

  set(i: number, v: number): void {
    this.pages[i >>> PAGE_BITS]![i & MASK] = v;
  }

  push(v: number): void {
    const p = this.length >>> PAGE_BITS;
    if (p === this.pages.length) this.pages.push(new Int32Array(PAGE_SIZE));
    this.pages[p]![this.length & MASK] = v;
    this.length++;
  }

  /** The values [0, length) as one array (for snapshots). */
  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    for (let p = 0; p < this.pages.length; p++) {
      const start = p * PAGE_SIZE;
      out.set(this.pages[p]!.subarray(0, Math.min(PAGE_SIZE, this.length - start)), start);
    }
    return out;
  }

  static from(values: Int32Array): PagedInt32 {
    const out = new PagedInt32();
    for (let start = 0; start < values.length; start += PAGE_SIZE) {
      const page = new Int32Array(PAGE_SIZE);
      page.set(values.subarray(start, start + PAGE_SIZE));
      out.pages.push(page);
    }
    out.length = values.length;
    return out;
  }

  get bytes(): number {
    return this.pages.length * PAGE_SIZE * 4;
  }
}
