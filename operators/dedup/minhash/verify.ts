/**
 * Stage 4 of MinHash: the exact Jaccard check of a candidate on stored shingle hashes, so that the
 * estimator's noise never decides at the threshold. Each kept record stores its shingle hashes as a
 * duplicate-free Uint32Array run, sorted the first time it is checked (most records never are: sorting
 * every record cost ~9% of `lamini dedup`); the check is one merge of two sorted runs.
 */

/**
 * Removes repeated values with a small open-addressing set (O(n), no sort): `dst[0..count)` gets the
 * distinct values of `src[0..n)` in first-seen order.
 */
export class UniqueFilter {
  #values = new Int32Array(512);
  #stamps = new Int32Array(512);
  #stamp = 0;

  run(src: Int32Array, n: number, dst: Int32Array): number {
    if (this.#values.length < 2 * n) {
      let cap = this.#values.length;
      while (cap < 2 * n) cap *= 2;
      this.#values = new Int32Array(cap);
      this.#stamps = new Int32Array(cap);
      this.#stamp = 0;
    }
    const values = this.#values;
    const stamps = this.#stamps;
    const mask = values.length - 1;
    const stamp = ++this.#stamp;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      let s = v & mask;
      for (;;) {
        if (stamps[s] !== stamp) {
          stamps[s] = stamp;
          values[s] = v;
          dst[count++] = v;
          break;
        }
        if (values[s] === v) break;
        s = (s + 1) & mask;
      }
    }
    return count;
  }
}

/** |A ∩ B| of two sorted duplicate-free runs a[aOff..aOff+aLen) and b[bOff..bOff+bLen). */
export function intersectionSize(a: Uint32Array, aOff: number, aLen: number, b: Uint32Array, bOff: number, bLen: number): number {
  let i = aOff;
  let j = bOff;
  const aEnd = aOff + aLen;
  const bEnd = bOff + bLen;
  let inter = 0;
  while (i < aEnd && j < bEnd) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) {
      i++;
    } else {
      j++;
    }
  }
  return inter;
}

/** Jaccard from the sizes and the intersection, computed as the ground truth computes it. */
export function jaccard(aLen: number, bLen: number, inter: number): number {
  return inter / (aLen + bLen - inter);
}

/** Whether two sets of these sizes can reach `threshold` at all: J ≤ min/max. */
export function sizesCanMatch(aLen: number, bLen: number, threshold: number): boolean {
  // The slack keeps a pair whose ratio is exactly the threshold (7 of 10) from being lost to rounding.
  return aLen < bLen ? aLen >= threshold * bLen - 1e-9 : bLen >= threshold * aLen - 1e-9;
}
