/**
 * A SentencePiece Unigram tokenizer (T5, Flan-T5) behind the students' `Tokenizer` interface. encode() runs HF's
 * pipeline: cut out added tokens (`normalized: false` ones on the raw text, the others on normalized text), then
 * normalize each stretch between them, pre-tokenize (Metaspace), and encode each word with the Unigram model. Like
 * the byte-level BPE, encode() adds no special tokens: HF's T5 template appends `</s>` (`eosId`); we do not.
 */
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { AddedTokenSplitter, type AddedTokenMatch } from '../pretokenize.ts';
import type { Tokenizer } from '../tokenizer.ts';
import type { Decode } from './decoder.ts';
import type { PreTokenize } from './metaspace.ts';
import type { UnigramModel } from './model.ts';
import type { Normalize } from './normalizer.ts';

export interface UnigramParts {
  readonly model: UnigramModel;
  readonly normalize: Normalize;
  readonly preTokenize: PreTokenize;
  readonly decode: Decode;
  readonly addedTokens: readonly AddedTokenMatch[];
  /** Token string by id: added tokens over the model's pieces. */
  readonly tokens: readonly (string | undefined)[];
  readonly eosId: number;
  /** The file text, returned by toJson(). */
  readonly json: string;
}

const CACHE_CAPACITY = 100_000;
const MAX_CACHED_WORD = 256;

export class UnigramTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosId: number;
  readonly #parts: UnigramParts;
  readonly #raw: AddedTokenSplitter;
  readonly #normalized: AddedTokenSplitter;
  readonly #cache = new Map<string, readonly number[]>();

  constructor(parts: UnigramParts) {
    this.#parts = parts;
    this.vocabSize = parts.tokens.length;
    this.eosId = parts.eosId;
    this.#raw = new AddedTokenSplitter(parts.addedTokens.filter((t) => !t.normalized));
    // The second splitter only ever sees normalized text, so its tokens match as they are.
    this.#normalized = new AddedTokenSplitter(parts.addedTokens.filter((t) => t.normalized).map((t) => ({ ...t, normalized: false })));
  }

  encode(text: string): number[] {
    const out: number[] = [];
    let first = true;
    for (const raw of this.#raw.split(text)) {
      if ('addedId' in raw) out.push(raw.addedId);
      else {
        const { text: normalized, atStart } = this.#parts.normalize({ text: raw.text, atStart: first });
        let start = atStart;
        for (const piece of this.#normalized.split(normalized)) {
          if ('addedId' in piece) out.push(piece.addedId);
          else for (const word of this.#parts.preTokenize(piece.text, start)) out.push(...this.#word(word));
          start = false;
        }
      }
      first = false;
    }
    return out;
  }

  decode(ids: readonly number[]): string {
    const tokens = ids.map((id) => {
      const token = this.#parts.tokens[id];
      if (token === undefined) {
        throw new LaminiError(ErrorCodes.USAGE, `token id ${id} is not in the vocabulary (size ${this.vocabSize})`, {
          details: { id, vocabSize: this.vocabSize },
        });
      }
      return token;
    });
    return this.#parts.decode(tokens);
  }

  toJson(): string {
    return this.#parts.json;
  }

  #word(word: string): readonly number[] {
    const cached = this.#cache.get(word);
    if (cached !== undefined) return cached;
    const ids = this.#parts.model.encode(word);
    if (word.length <= MAX_CACHED_WORD) {
      if (this.#cache.size >= CACHE_CAPACITY) this.#cache.clear();
      this.#cache.set(word, ids);
    }
    return ids;
  }
}
