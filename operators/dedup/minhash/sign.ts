/**
 * Stage 2 of MinHash: shingle hashes → a signature of `numPerm` signed 32-bit minima.
 *
 * `classic`: numPerm independent permutations h_p(x) = a_p·x + b_p (mod 2^32, a_p odd: a bijection on
 * 32 bits) of the already well-mixed shingle hashes, the minimum taken in signed order (any fixed total
 * order serves). Four permutations share each pass over the shingles, so the minima stay in registers.
 *
 * `fast`: fast similarity sketching (Dahlgaard, Knudsen, Thorup, FOCS 2017). In round i every shingle
 * is hashed once more and lands in one bin with value i + r (r uniform); a bin keeps its minimum and the
 * rounds stop as soon as every bin is filled, so a document costs O(n + k log k) hash evaluations instead
 * of O(n · k). Rounds k..2k−1 offer every shingle to one fixed bin each, so even a one-shingle document
 * fills all bins. Each bin's minimum is taken over union placements, so P[equal] = Jaccard per bin, and
 * the bins within a round are sampled without replacement: its RMSE is below the classic mode's
 * (measured in bench/dedup/rmse.bench.ts).
 */
import { fmix32, seededInts } from './mix.ts';

export type SignatureMode = 'classic' | 'fast';

export interface Signer {
  readonly numPerm: number;
  readonly mode: SignatureMode;
  /** Writes the signature of `hashes[0..n)` (n ≥ 1) into `out[0..numPerm)`. */
  sign(hashes: Int32Array, n: number, out: Int32Array): void;
}

export function createSigner(mode: SignatureMode, numPerm: number, seed: number): Signer {
  return mode === 'fast' ? new SimilaritySketchSigner(numPerm, seed) : new ClassicSigner(numPerm, seed);
}

const MAX = 0x7fffffff;
const EMPTY = 0x7fffffff;

export class ClassicSigner implements Signer {
  readonly numPerm: number;
  readonly mode = 'classic' as const;
  readonly #a: Int32Array;
  readonly #b: Int32Array;

  constructor(numPerm: number, seed: number) {
    this.numPerm = numPerm;
    // Padded to a multiple of 4 so the unrolled loop needs no tail.
    const padded = (numPerm + 3) & ~3;
    this.#a = seededInts(seed, 0xa1, padded).map((v) => v | 1);
    this.#b = seededInts(seed, 0xb2, padded);
  }

  sign(hashes: Int32Array, n: number, out: Int32Array): void {
    const A = this.#a;
    const B = this.#b;
    const k = this.numPerm;
    for (let p = 0; p < k; p += 4) {
      const a0 = A[p]!, a1 = A[p + 1]!, a2 = A[p + 2]!, a3 = A[p + 3]!;
      const b0 = B[p]!, b1 = B[p + 1]!, b2 = B[p + 2]!, b3 = B[p + 3]!;
      let m0 = MAX, m1 = MAX, m2 = MAX, m3 = MAX;
      for (let j = 0; j < n; j++) {
        const h = hashes[j]!;
        const v0 = (Math.imul(h, a0) + b0) | 0;
        if (v0 < m0) m0 = v0;
        const v1 = (Math.imul(h, a1) + b1) | 0;
        if (v1 < m1) m1 = v1;
        const v2 = (Math.imul(h, a2) + b2) | 0;
        if (v2 < m2) m2 = v2;
        const v3 = (Math.imul(h, a3) + b3) | 0;
        if (v3 < m3) m3 = v3;
      }
      out[p] = m0;
      if (p + 1 < k) out[p + 1] = m1;
      if (p + 2 < k) out[p + 2] = m2;
      if (p + 3 < k) out[p + 3] = m3;
    }
  }
}

export class SimilaritySketchSigner implements Signer {
  readonly numPerm: number;
  readonly mode = 'fast' as const;
  /** One hash seed per round: rounds 0..k−1 scatter, round k + b fills bin b. */
  readonly #seeds: Int32Array;
  /** 32 − log2(k) when k is a power of two, else −1. */
  readonly #shift: number;

  constructor(numPerm: number, seed: number) {
    if (numPerm > 256) throw new RangeError('fast signatures support at most 256 permutations');
    this.numPerm = numPerm;
    this.#shift = (numPerm & (numPerm - 1)) === 0 && numPerm > 1 ? 32 - Math.log2(numPerm) : -1;
    this.#seeds = seededInts(seed, 0x55, 2 * numPerm);
  }

  sign(hashes: Int32Array, n: number, out: Int32Array): void {
    const k = this.numPerm;
    const seeds = this.#seeds;
    out.fill(EMPTY, 0, k);
    let empty = k;
    const shift = this.#shift;
    // Values are (round << 22) | 22 random bits: a later round never beats an earlier one, so once
    // every bin is filled no later round can change the sketch and the loop stops (≈ k·ln k / n rounds).
    // Rounds < k ≤ 256 keep values below 2^30 and EMPTY is 2^31 − 1, so `cur >>> 30` is 1 exactly
    // when a bin is still empty: a bin is counted when its value first drops, with no second branch.
    if (shift >= 0) empty = scatterPow2(hashes, n, out, seeds, k, shift);
    else {
      for (let round = 0; round < k && empty > 0; round++) {
        const s = seeds[round]!;
        const base = round << 22;
        for (let j = 0; j < n; j++) {
          const h = fmix32(hashes[j]! ^ s);
          // The high bits pick the bin; the low 22 bits order it.
          const bin = Math.floor((h >>> 0) * k / 4294967296);
          const v = base | (h & 0x3fffff);
          const cur = out[bin]!;
          if (v < cur) {
            empty -= cur >>> 30;
            out[bin] = v;
          }
        }
      }
    }
    // Only tiny sets get here: round k + b offers every element to bin b, so every bin is filled.
    for (let bin = 0; bin < k && empty > 0; bin++) {
      if (out[bin] !== EMPTY) continue;
      const s = seeds[k + bin]!;
      const base = (k + bin) << 22;
      let best = EMPTY;
      for (let j = 0; j < n; j++) {
        const v = base | (fmix32(hashes[j]! ^ s) & 0x3fffff);
        if (v < best) best = v;
      }
      out[bin] = best;
      empty--;
    }
  }
}

/**
 * The scatter rounds for k a power of two (the bin is the hash's top log2(k) bits), two shingles per
 * iteration so their hashes overlap in the pipeline. Same values as the generic loop; returns the
 * number of bins still empty.
 */
function scatterPow2(hashes: Int32Array, n: number, out: Int32Array, seeds: Int32Array, k: number, shift: number): number {
  let empty = k;
  const even = n & ~1;
  for (let round = 0; round < k && empty > 0; round++) {
    const s = seeds[round]!;
    const base = round << 22;
    let j = 0;
    for (; j < even; j += 2) {
      let a = hashes[j]! ^ s;
      let b = hashes[j + 1]! ^ s;
      // fmix32 of both, interleaved.
      a ^= a >>> 16;
      b ^= b >>> 16;
      a = Math.imul(a, 0x85ebca6b);
      b = Math.imul(b, 0x85ebca6b);
      a ^= a >>> 13;
      b ^= b >>> 13;
      a = Math.imul(a, 0xc2b2ae35);
      b = Math.imul(b, 0xc2b2ae35);
      a ^= a >>> 16;
      b ^= b >>> 16;
      const binA = a >>> shift;
      const va = base | (a & 0x3fffff);
      const curA = out[binA]!;
      if (va < curA) {
        empty -= curA >>> 30;
        out[binA] = va;
      }
      const binB = b >>> shift;
      const vb = base | (b & 0x3fffff);
      const curB = out[binB]!;
      if (vb < curB) {
        empty -= curB >>> 30;
        out[binB] = vb;
      }
    }
    if (j < n) {
      const h = fmix32(hashes[j]! ^ s);
      const bin = h >>> shift;
      const v = base | (h & 0x3fffff);
      const cur = out[bin]!;
      if (v < cur) {
        empty -= cur >>> 30;
        out[bin] = v;
      }
    }
  }
  return empty;
}
