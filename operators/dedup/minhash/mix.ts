/**
 * 32-bit hash primitives shared by every MinHash stage: MurmurHash3's body step and finaliser, written
 * with `Math.imul` so they stay in 32-bit integer arithmetic (no floating point, no wasm, no native call).
 * Every function returns a signed 32-bit integer; callers compare and store them as such.
 */

/** MurmurHash3's finaliser: a bijection on 32 bits with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** MurmurHash3's per-block step: folds the 32-bit word `k` into the running hash `h`. */
export function mixIn(h: number, k: number): number {
  return mixPrepared(h, prepareBlock(k));
}

/** The half of `mixIn` that depends on the block only, so a token used in n shingles is prepared once. */
export function prepareBlock(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** The half of `mixIn` that folds a prepared block into the running hash. */
export function mixPrepared(h: number, prepared: number): number {
  h ^= prepared;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * `count` well-spread 32-bit values drawn from (seed, salt) with splitmix32: the source of every
 * seeded parameter (hash seeds, permutation constants), so one seed fixes every decision.
 */
export function seededInts(seed: number, salt: number, count: number): Int32Array {
  const out = new Int32Array(count);
  let state = mixIn(fmix32(seed | 0), salt | 0);
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    out[i] = fmix32(state ^ Math.imul(salt, 0x27d4eb2f));
  }
  return out;
}
