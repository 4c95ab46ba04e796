/**
 * SentencePiece's precompiled charsmap, the `Precompiled` normalizer of T5's tokenizer.json, applied exactly as
 * HF `tokenizers` applies it (its `spm_precompiled` crate). The base64 blob is
 *
 *   ┌──────────────┬───────────────────────────────────┬──────────────────────────────────────────┐
 *   │ trieSize u32 │ trieSize/4 units, u32 LE each      │ targets: UTF-8 strings, each NUL-ended    │
 *   │ LE (bytes)   │ a Darts double-array over UTF-8    │ a leaf's value is a byte offset in here   │
 *   └──────────────┴───────────────────────────────────┴──────────────────────────────────────────┘
 *
 * A unit packs: bits 0-7 label, bit 8 has-leaf, bit 9 offset scale, bits 10-31 offset (shifted left 8 when the
 * scale bit is set); a leaf unit's low 31 bits are its value. HF normalizes grapheme by grapheme: a grapheme of
 * under 6 UTF-8 bytes is replaced by the target of the SHORTEST key that prefixes it (the rest of the grapheme is
 * dropped, unlike SentencePiece's longest match); otherwise each character is replaced by its own target, if any.
 *
 * The whole trie is walked once when loaded: every reachable key must lead to a target inside the blob that is
 * valid UTF-8. A lookup that steps outside the array (HF would panic) is a miss.
 */
import { invalidTokenizer } from '../spec.ts';

const UTF8 = new TextEncoder();
const GRAPHEMES = new Intl.Segmenter('und', { granularity: 'grapheme' });

const label = (unit: number): number => (unit & 0x800000ff) >>> 0;
const hasLeaf = (unit: number): boolean => ((unit >>> 8) & 1) === 1;
const value = (unit: number): number => unit & 0x7fffffff;
const offset = (unit: number): number => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);

export class Charsmap {
  readonly #units: Uint32Array;
  /** Target text by leaf value (a byte offset into the targets blob). */
  readonly #targets = new Map<number, string>();

  /** Throws TOKENIZER_INVALID (naming `source`) for a blob that is not a well-formed charsmap. */
  constructor(base64: string, source: string) {
    const fail = (problem: string): Error => invalidTokenizer(source, `normalizer Precompiled: ${problem}`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) throw fail('precompiled_charsmap is not base64');
    const blob = Buffer.from(base64, 'base64');
    if (blob.length < 4) throw fail(`precompiled_charsmap has ${blob.length} bytes, too short for a header`);
    const trieSize = blob.readUInt32LE(0);
    if (trieSize % 4 !== 0 || trieSize === 0 || 4 + trieSize > blob.length) {
      throw fail(`the trie size ${trieSize} does not fit a blob of ${blob.length} bytes`);
    }
    this.#units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.#units.length; i++) this.#units[i] = blob.readUInt32LE(4 + 4 * i);
    this.#readTargets(blob.subarray(4 + trieSize), fail);
  }

  /** `text` with every grapheme replaced as HF's Precompiled normalizer does. */
  normalize(text: string): string {
    let out = '';
    for (const { segment } of GRAPHEMES.segment(text)) {
      const bytes = UTF8.encode(segment);
      if (bytes.length < 6) {
        const whole = this.#transform(bytes);
        if (whole !== undefined) {
          out += whole;
          continue;
        }
      }
      for (const char of segment) out += this.#transform(UTF8.encode(char)) ?? char;
    }
    return out;
  }

  /** The target of the shortest key that prefixes `key`, if any. */
  #transform(key: Uint8Array): string | undefined {
    const units = this.#units;
    let pos = offset(units[0] ?? 0);
    for (const c of key) {
      if (c === 0) return undefined;
      pos ^= c;
      const unit = units[pos];
      if (unit === undefined || label(unit) !== c) return undefined;
      pos ^= offset(unit);
      if (hasLeaf(unit)) {
        const leaf = units[pos];
        return leaf === undefined ? undefined : this.#targets.get(value(leaf));
      }
    }
    return undefined;
  }

  /** Walks every key of the trie and decodes the target each leaf names. */
  #readTargets(targets: Uint8Array, fail: (problem: string) => Error): void {
    const units = this.#units;
    const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const stack = [offset(units[0] ?? 0)];
    let visited = 0;
    while (stack.length > 0) {
      const node = stack.pop() ?? 0;
      if (++visited > units.length) throw fail('the trie has a cycle');
      for (let c = 1; c < 256; c++) {
        const unit = units[node ^ c];
        if (unit === undefined || label(unit) !== c) continue;
        const next = node ^ c ^ offset(unit);
        if (hasLeaf(unit)) {
          const leaf = units[next];
          if (leaf === undefined) throw fail(`a leaf at unit ${next} is outside the trie`);
          const start = value(leaf);
          if (start > targets.length) throw fail(`a target offset ${start} is outside the ${targets.length}-byte targets`);
          if (!this.#targets.has(start)) {
            let end = targets.indexOf(0, start);
            if (end < 0) end = targets.length;
            try {
              this.#targets.set(start, utf8.decode(targets.subarray(start, end)));
            } catch (error) {
              throw fail(`the target at offset ${start} is not UTF-8 (${String(error)})`);
            }
          }
        }
        stack.push(next);
      }
    }
  }
}
