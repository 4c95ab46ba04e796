/**
 * The students' tokenizers, read from and written to Hugging Face `tokenizer.json` with the ids HF computes:
 * a byte-level BPE (GPT-2's), trained on the corpus for small from-scratch students or loaded from a checkpoint,
 * and the SentencePiece Unigram model of T5 / Flan-T5 checkpoints (unigram/, load only). `parseAnyTokenizerJson`
 * picks by the file's `model.type`.
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
export { loadAnyTokenizer, parseAnyTokenizerJson, parseUnigramTokenizerJson, UNIGRAM_EOS_TOKEN } from './unigram/index.ts';
