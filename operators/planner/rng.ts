/**
 * A counter-based random source: the value for (seed, stream, counter, draw) is a pure function of
 * those numbers (murmur3's 32-bit finaliser applied over them), so task k can be planned again, alone,
 * after a restart.
 */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = fmix32((h ^ (v >>> 0)) + 0x7f4a7c15);
    h = fmix32(h ^ Math.floor(v / 2 ** 32));
  }
  return h;
}

export function stringHash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** Uniform in [0, 1) from a counter. */
export function uniform(...values: number[]): number {
  return hash32(...values) / 2 ** 32;
}

/** `count` distinct indices of [0, n) (or with repeats when n < count), from a counter. */
export function sampleIndices(n: number, count: number, ...counter: number[]): number[] {
  if (n <= 0) return [];
  const picked: number[] = [];
  for (let draw = 0; picked.length < count && draw < count * 64; draw++) {
    const i = hash32(...counter, draw) % n;
    if (n < count || !picked.includes(i)) picked.push(i);
  }
  return picked;
}

/** A permutation of [0, n), Fisher–Yates driven by the counter. */
export function permutation(n: number, ...counter: number[]): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = hash32(...counter, i) % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
