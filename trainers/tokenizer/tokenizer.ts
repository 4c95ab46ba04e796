/**
 * The byte-level BPE tokenizer object: encodes and decodes as HF `tokenizers` does for a GPT-2-style
 * `tokenizer.json`, and writes that file back out. Built from a spec by the trainer or by the file parser.
 */
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { symbolsToBytes } from './byte-level.ts';
import { ByteLevelBpeEncoder } from './encoder.ts';
import { MergeTable } from './merges.ts';
import { writeTokenizerJson } from './serialize.ts';
import { resolveSpec, type ByteLevelBpeSpec } from './spec.ts';

export interface Tokenizer {
  readonly vocabSize: number;
  /** `<|endoftext|>`: ends a response; also used as padding. */
  readonly eosId: number;
  /** Ids for `text`, with no special tokens added (a literal `<|endoftext|>` in `text` does become `eosId`). */
  encode(text: string): number[];
  /** Text for `ids`; special tokens are kept as their text, so `decode(encode(x)) === x` for well-formed x. */
  decode(ids: readonly number[]): string;
  /** The Hugging Face tokenizer.json text. */
  toJson(): string;
}

export class ByteLevelBpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly eosId: number;
  readonly #spec: ByteLevelBpeSpec;
  readonly #encoder: ByteLevelBpeEncoder;
  readonly #bytes: readonly (Uint8Array | undefined)[];
  // ignoreBOM keeps a leading U+FEFF, which the default decoder would silently drop.
  readonly #utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

  /** Throws TOKENIZER_INVALID (naming `source`) when the spec is inconsistent. */
  constructor(spec: ByteLevelBpeSpec, source: string) {
    const resolved = resolveSpec(spec, source);
    this.#spec = spec;
    this.vocabSize = resolved.vocabSize;
    this.eosId = resolved.eosId;
    this.#encoder = new ByteLevelBpeEncoder({
      byteIds: resolved.byteIds,
      merges: new MergeTable(resolved.merges, resolved.vocabSize),
      addedTokens: spec.addedTokens,
    });
    // As HF's ByteLevel decoder: added tokens too are read as byte symbols, falling back to their UTF-8.
    this.#bytes = Array.from(resolved.tokens, (token) => (token === undefined ? undefined : symbolsToBytes(token)));
  }

  encode(text: string): number[] {
    return this.#encoder.encode(text);
  }

  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const bytes = this.#bytes[id];
      if (bytes === undefined) {
        throw new LaminiError(ErrorCodes.USAGE, `token id ${id} is not in the vocabulary (size ${this.vocabSize})`, {
          details: { id, vocabSize: this.vocabSize },
        });
      }
      parts.push(bytes);
      length += bytes.length;
    }
    const all = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return this.#utf8.decode(all);
  }

  toJson(): string {
    return writeTokenizerJson(this.#spec);
  }
}
