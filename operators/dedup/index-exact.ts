/**
 * The exact-match index: instruction ids are content hashes of normalised text, so equal ids are
 * equal instructions. The MinHash LSH index replaces this behind the same `DedupIndex` interface.
 */
export interface DedupIndex {
  /** The id of an earlier kept instruction this one duplicates, or undefined to keep it. */
  find(id: string, text: string): string | undefined;
  insert(id: string, text: string): void;
  readonly size: number;
}

export class ExactIndex implements DedupIndex {
  readonly #ids = new Set<string>();

  find(id: string): string | undefined {
    return this.#ids.has(id) ? id : undefined;
  }

  insert(id: string): void {
    this.#ids.add(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
