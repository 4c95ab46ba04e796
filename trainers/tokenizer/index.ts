/**
 * The students' tokenizer: a byte-level BPE exactly as Hugging Face `tokenizers` defines it (GPT-2's), trained on
 * the corpus for small from-scratch students or loaded from a checkpoint's `tokenizer.json`. Its `toJson()` opens
 * in HF tools and encodes to the same ids there.
 *
 * Ids of a trained tokenizer follow GPT-2: 0..255 the byte symbols, then one per merge in rank order, and
 * `<|endoftext|>` last (`eosId === vocabSize - 1`, GPT-2's 50256). A literal `<|endoftext|>` in text encodes to
 * `eosId`, as in HF.
 */
export type { Tokenizer } from './tokenizer.ts';
export type { TrainOptions } from './train.ts';
export { trainByteLevelBpe } from './train.ts';
export { loadTokenizer, parseTokenizerJson } from './parse.ts';
export { EOS_TOKEN } from './spec.ts';
