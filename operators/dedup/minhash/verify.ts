/**
 * Stage 4 of MinHash: the exact Jaccard check of a candidate on stored shingle hashes, so that the
 * estimator's noise never decides at the threshold. Each kept record stores its shingle hashes as a
 * sorted, duplicate-free Uint32Array run; the check is one merge of two sorted runs.
 */

/** Sorts `buf[0..n)` and removes repeats in place; returns the number of distinct values. */
export function sortUnique(buf: Uint32Array, n: number): number {
  if (n <= 1) return n;
  buf.subarray(0, n).sort();
  let w = 1;
  for (let i = 1; i < n; i++) if (buf[i] !== buf[w - 1]) buf[w++] = buf[i]!;
  return w;
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
