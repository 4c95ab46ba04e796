/**
 * SentencePiece Unigram tokenizers (T5, Flan-T5) read from `tokenizer.json`, encoding and decoding as HF
 * `tokenizers` does, and `loadAnyTokenizer`, which picks the BPE or Unigram reader by `model.type`.
 */
export { parseUnigramTokenizerJson, UNIGRAM_EOS_TOKEN } from './parse.ts';
export { loadAnyTokenizer, parseAnyTokenizerJson } from './load.ts';
