/**
 * Where an encoder-decoder student's first weights and tokenizer come from: a Hugging Face T5 / Flan-T5 folder
 * (`--init`; its own tokenizer, SentencePiece Unigram for the published ones, is kept), or from scratch with a
 * byte-level BPE trained on a sample of the rows (prompt and response, as the student reads them), whose end
 * token `<|endoftext|>` is also the pad and the decoder start token (T5 uses pad as the start; one id serves).
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { readPretrainedT5, type FloatTensor, type T5Config } from './checkpoint/index.ts';
import type { TrainRow } from './data/index.ts';
import { initT5Weights } from './model/t5-init.ts';
import { alpacaPrompt } from './prompt.ts';
import { parseAnyTokenizerJson, trainByteLevelBpe, type Tokenizer } from './tokenizer/index.ts';

export interface T5Student {
  config: T5Config;
  tokenizer: Tokenizer;
  weights: Map<string, FloatTensor>;
}

export async function t5StudentFromInit(dir: string): Promise<T5Student> {
  const pretrained = await readPretrainedT5(dir);
  if (pretrained.tokenizerJson === undefined) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} has no tokenizer.json (the student keeps its own tokenizer)`, {
      details: { dir },
    });
  }
  // readPretrainedT5 has checked the tokenizer against the model's vocabulary and end token.
  const tokenizer = parseAnyTokenizerJson(pretrained.tokenizerJson, `${dir}/tokenizer.json`);
  return { config: pretrained.config, tokenizer, weights: pretrained.weights };
}

/** A fresh T5 of `shape`'s sizes; the vocabulary is what the BPE learned, at most `shape.vocabSize`. */
export function t5StudentFromScratch(shape: T5Config, sample: readonly TrainRow[], seed: number): T5Student {
  const texts = sample.map((row) => `${alpacaPrompt(row)}${row.response.trim()}`);
  const tokenizer = trainByteLevelBpe(texts, { vocabSize: shape.vocabSize });
  const eos = tokenizer.eosId;
  const config: T5Config = { ...shape, vocabSize: tokenizer.vocabSize, eosTokenId: eos, padTokenId: eos, decoderStartTokenId: eos };
  checkT5Shape(config);
  return { config, tokenizer, weights: initT5Weights(config, seed) };
}

/** Rejects sizes that cannot be built, naming every problem at once. */
export function checkT5Shape(config: T5Config): void {
  const problems: string[] = [];
  for (const key of ['vocabSize', 'dModel', 'dKv', 'dFf', 'numLayers', 'numDecoderLayers', 'numHeads'] as const) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) problems.push(`${key} must be a positive integer (got ${config[key]})`);
  }
  if (problems.length > 0) throw new LaminiError(ErrorCodes.CONFIG_INVALID, `bad T5 shape: ${problems.join('; ')}`);
}
