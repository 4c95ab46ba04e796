/**
 * Stage 1 of MinHash: text → canonical tokens → word n-gram shingles → 32-bit shingle hashes.
 *
 * The canonical definition (shared with bench/neardup-gsm8k/truth.mjs): NFKC, lower case, tokens are the
 * maximal runs of `[\p{L}\p{N}]`, shingles are word n-grams; a text with fewer than n tokens has one
 * shingle made of all its tokens (so a one-word text still dedups exactly), and a text with no token has
 * the empty shingle. A shingle's hash folds its tokens' hashes and its token count, so a short text's
 * shingle never equals an n-gram's. Pure-ASCII text (NFKC-stable; lower-casing only touches A–Z) is
 * encoded to bytes and scanned without building strings; anything else goes through `normalize` and
 * the Unicode regex. Both paths hash the same UTF-16 units, so they agree (tested).
 */
import { fmix32, mixPrepared, prepareBlock, seededInts } from './mix.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/** For an ASCII byte: its lower-case form if it is a letter or digit, else 0. */
const ASCII_WORD = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[0-9a-z]/.test(ch)) ASCII_WORD[c] = c;
  if (/[A-Z]/.test(ch)) ASCII_WORD[c] = c + 32;
}
const ENCODER = new TextEncoder();

/** The canonical tokens as strings: the reference the fast scanner is tested against. */
export function canonicalTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/** The canonical shingles as strings (reference; used by tests and the side-by-side benchmarks). */
export function canonicalShingles(text: string, ngram: number): Set<string> {
  const toks = canonicalTokens(text);
  if (toks.length < ngram) return new Set([toks.join(' ')]);
  const out = new Set<string>();
  for (let i = 0; i + ngram <= toks.length; i++) out.add(toks.slice(i, i + ngram).join(' '));
  return out;
}

export class Shingler {
  readonly ngram: number;
  /** Shingle hashes of the last `shingle()` call, in text order, repeats included. */
  hashes = new Int32Array(256);
  #tokens = new Int32Array(256);
  #bytes = new Uint8Array(1024);
  readonly #tokenSeed: number;
  readonly #shingleSeed: number;

  constructor(ngram: number, seed: number) {
    this.ngram = ngram;
    const s = seededInts(seed, 0x5348, 2);
    this.#tokenSeed = s[0]!;
    this.#shingleSeed = s[1]!;
  }

  /** Fills `hashes[0..n)` with the shingle hashes of `text`; n ≥ 1 always. */
  shingle(text: string): number {
    if (this.ngram === 3) {
      const count = this.#shingle3Ascii(text);
      if (count > 0) return count;
    }
    let m = this.#tokensAscii(text);
    if (m < 0) m = this.#tokensUnicode(text);
    const tokens = this.#tokens;
    const n = this.ngram;
    const seed = this.#shingleSeed;
    if (m < n) {
      let h = seed;
      for (let i = 0; i < m; i++) h = mixPrepared(h, tokens[i]!);
      this.hashes[0] = fmix32(h ^ m);
      return 1;
    }
    const count = m - n + 1;
    if (this.hashes.length < count) this.hashes = new Int32Array(count * 2);
    const out = this.hashes;
    for (let i = 0; i < count; i++) {
      let h = seed;
      for (let j = 0; j < n; j++) h = mixPrepared(h, tokens[i + j]!);
      out[i] = fmix32(h ^ n);
    }
    return count;
  }

  /**
   * Copies a pure-ASCII text into `#bytes` followed by a NUL sentinel (not a word byte) and returns its
   * length, or -1 if the text is not pure ASCII.
   */
  #asciiBytes(text: string): number {
    const len = text.length;
    if (this.#bytes.length <= len) this.#bytes = new Uint8Array(len * 2 + 1);
    // UTF-8 of a string is as long as the string exactly when every unit is ASCII.
    const { read, written } = ENCODER.encodeInto(text, this.#bytes);
    if (read !== len || written !== len) return -1;
    this.#bytes[len] = 0;
    return len;
  }

  /**
   * The 3-gram path for pure-ASCII text in one pass over the bytes: each token is hashed as it is
   * scanned (a skip loop over separators, then a loop over the word's bytes, so one branch per byte)
   * and each 3-gram is hashed as its last token ends, without a token array or any string. Same hashes
   * as `#tokensAscii` followed by the generic n-gram loop (tested). Returns 0 if the text is not ASCII.
   */
  #shingle3Ascii(text: string): number {
    const len = this.#asciiBytes(text);
    if (len < 0) return 0;
    const bytes = this.#bytes;
    let out = this.hashes;
    const tokenSeed = this.#tokenSeed;
    const seed = this.#shingleSeed;
    let m = 0;
    let t0 = 0;
    let t1 = 0;
    let i = 0;
    for (;;) {
      let c = ASCII_WORD[bytes[i]!]!;
      while (c === 0 && i < len) c = ASCII_WORD[bytes[++i]!]!;
      if (i >= len) break;
      const start = i;
      let h = tokenSeed;
      do {
        h = Math.imul(h ^ c, 0x01000193);
        c = ASCII_WORD[bytes[++i]!]!;
      } while (c !== 0);
      const t = prepareBlock(fmix32(h ^ (i - start)));
      if (m >= 2) {
        // Grown only when the shingles outnumber it (as the generic path does), to twice their count.
        if (m - 2 === out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          this.hashes = out = grown;
        }
        out[m - 2] = fmix32(mixPrepared(mixPrepared(mixPrepared(seed, t0), t1), t) ^ 3);
      }
      t0 = t1;
      t1 = t;
      m++;
    }
    if (m >= 3) return m - 2;
    // Fewer than 3 tokens: one shingle of all of them (t1 is the last token, t0 the one before).
    let h = seed;
    if (m === 2) h = mixPrepared(mixPrepared(h, t0), t1);
    else if (m === 1) h = mixPrepared(h, t1);
    out[0] = fmix32(h ^ m);
    return 1;
  }

  /** Token hashes (prepared as murmur blocks) of a pure-ASCII text, or -1 if it is not pure ASCII. */
  #tokensAscii(text: string): number {
    const len = this.#asciiBytes(text);
    if (len < 0) return -1;
    // At most one token per two bytes, plus one.
    if (this.#tokens.length <= len >> 1) this.#tokens = new Int32Array((len >> 1) + 16);
    const bytes = this.#bytes;
    const tokens = this.#tokens;
    const seed = this.#tokenSeed;
    let m = 0;
    let i = 0;
    for (;;) {
      let c = ASCII_WORD[bytes[i]!]!;
      while (c === 0 && i < len) c = ASCII_WORD[bytes[++i]!]!;
      if (i >= len) break;
      const start = i;
      let h = seed;
      do {
        h = Math.imul(h ^ c, 0x01000193);
        c = ASCII_WORD[bytes[++i]!]!;
      } while (c !== 0);
      tokens[m++] = prepareBlock(fmix32(h ^ (i - start)));
    }
    return m;
  }

  #tokensUnicode(text: string): number {
    const seed = this.#tokenSeed;
    let m = 0;
    for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
      const tok = match[0];
      let h = seed;
      for (let i = 0; i < tok.length; i++) h = Math.imul(h ^ tok.charCodeAt(i), 0x01000193);
      if (m === this.#tokens.length) {
        const grown = new Int32Array(m * 2);
        grown.set(this.#tokens);
        this.#tokens = grown;
      }
      this.#tokens[m++] = prepareBlock(fmix32(h ^ tok.length));
    }
    return m;
  }
}
