/**
 * Text → ids for a byte-level BPE: cut out added tokens, split with GPT-2's regex, turn each word's UTF-8 bytes
 * into byte-symbol ids, apply the merges by rank. Words repeat a lot (" the", "\n"), so each word's ids are cached;
 * the cache is bounded by emptying it when full, which keeps memory flat over an endless training stream.
 */
import { AddedTokenSplitter, splitWords, type AddedTokenMatch } from './pretokenize.ts';
import { mergeWord, type MergeTable } from './merges.ts';

export interface EncoderOptions {
  /** `byteIds[b]`: the id of the one-byte token for byte `b`. */
  readonly byteIds: Int32Array;
  readonly merges: MergeTable;
  readonly addedTokens: readonly AddedTokenMatch[];
  /** Words cached before the cache is emptied (default 100,000). */
  readonly cacheCapacity?: number;
}

/** Longer words are not cached: they rarely repeat. */
const MAX_CACHED_WORD = 256;

export class ByteLevelBpeEncoder {
  readonly #byteIds: Int32Array;
  readonly #merges: MergeTable;
  readonly #splitter: AddedTokenSplitter;
  readonly #cache = new Map<string, readonly number[]>();
  readonly #cacheCapacity: number;
  readonly #utf8 = new TextEncoder();

  constructor(options: EncoderOptions) {
    this.#byteIds = options.byteIds;
    this.#merges = options.merges;
    this.#splitter = new AddedTokenSplitter(options.addedTokens);
    this.#cacheCapacity = options.cacheCapacity ?? 100_000;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of this.#splitter.split(text)) {
      if ('addedId' in piece) {
        out.push(piece.addedId);
        continue;
      }
      for (const word of splitWords(piece.text)) {
        for (const id of this.encodeWord(word)) out.push(id);
      }
    }
    return out;
  }

  /** The ids of one pre-tokenized word. */
  encodeWord(word: string): readonly number[] {
    const cached = this.#cache.get(word);
    if (cached !== undefined) return cached;
    const ids = mergeWord(this.#symbols(word), this.#merges);
    if (word.length <= MAX_CACHED_WORD) {
      if (this.#cache.size >= this.#cacheCapacity) this.#cache.clear();
      this.#cache.set(word, ids);
    }
    return ids;
  }

  #symbols(word: string): number[] {
    const byteIds = this.#byteIds;
    const out: number[] = [];
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 0x80) return Array.from(this.#utf8.encode(word), (b) => byteIds[b] as number);
      out.push(byteIds[c] as number);
    }
    return out;
  }
}
