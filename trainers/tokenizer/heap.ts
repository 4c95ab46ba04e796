/**
 * A binary heap ordered by a caller's `before(x, y)` ("x comes out first"), used by the BPE trainer (most
 * frequent pair first) and by the encoder on long words (lowest merge rank first).
 */
export class BinaryHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (x: T, y: T) => boolean;

  constructor(before: (x: T, y: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!this.#before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      let c = items[l] as T;
      if (r < n) {
        const rc = items[r] as T;
        if (this.#before(rc, c)) {
          child = r;
          c = rc;
        }
      }
      if (!this.#before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
