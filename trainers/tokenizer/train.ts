/**
 * Trains the students' byte-level BPE: count the words that the tokenizer's own pre-tokenization yields (with
 * `<|endoftext|>` cut out, so it is never learned from), learn merges, and lay out the vocabulary as GPT-2 does:
 * ids 0..255 the byte symbols, then one id per new token in merge order, and `<|endoftext|>` last
 * (`eosId === vocabSize - 1`, as GPT-2's 50256).
 */
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { learnMerges } from './learn-merges.ts';
import { AddedTokenSplitter, splitWords } from './pretokenize.ts';
import { EOS_TOKEN, MAX_VOCAB_SIZE, type AddedToken } from './spec.ts';
import { ByteLevelBpeTokenizer, type Tokenizer } from './tokenizer.ts';

export interface TrainOptions {
  /** Tokens in all, `<|endoftext|>` included: at least 257. A small corpus may yield fewer. */
  readonly vocabSize: number;
  /** A pair is merged only if it occurs at least this often (default 2). */
  readonly minFrequency?: number;
}

/** Distinct pre-tokenized words and how often each occurs. */
export function countWords(texts: Iterable<string>): Map<string, number> {
  const splitter = new AddedTokenSplitter([{ id: 0, content: EOS_TOKEN, normalized: false }]);
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of splitter.split(text)) {
      if (!('text' in piece)) continue;
      for (const word of splitWords(piece.text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

export function trainByteLevelBpe(texts: Iterable<string>, options: TrainOptions): Tokenizer {
  const { vocabSize, minFrequency = 2 } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 257 || vocabSize > MAX_VOCAB_SIZE) {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `tokenizer vocabSize must be an integer in [257, ${MAX_VOCAB_SIZE}], got ${vocabSize}`, {
      details: { vocabSize },
    });
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `tokenizer minFrequency must be a positive integer, got ${minFrequency}`, {
      details: { minFrequency },
    });
  }
  const learned = learnMerges(countWords(texts), vocabSize - 1, minFrequency);
  const vocab = new Map(learned.tokens.map((token, id) => [token, id]));
  const eos: AddedToken = { id: learned.tokens.length, content: EOS_TOKEN, special: true, normalized: false };
  vocab.set(EOS_TOKEN, eos.id);
  const merges = learned.merges.map(([a, b]): [string, string] => [learned.tokens[a] ?? '', learned.tokens[b] ?? '']);
  return new ByteLevelBpeTokenizer({ vocab, merges, addedTokens: [eos] }, 'trained tokenizer');
}
