/**
 * Where a student's first weights and tokenizer come from: a Hugging Face GPT-2 folder (`--init`, as the paper
 * finetuned pretrained models), or from scratch, with a byte-level BPE trained on a sample of the training rows
 * (wrapped in the same Alpaca prompt they are trained with, so the template's words become single tokens).
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { gpt2Config, readPretrainedGpt2, type FloatTensor, type Gpt2Config } from './checkpoint/index.ts';
import type { TrainRow } from './data/index.ts';
import { initGpt2Weights } from './model/init.ts';
import { checkShape, type ModelShape } from './model/shape.ts';
import { alpacaPrompt } from './prompt.ts';
import { parseTokenizerJson, trainByteLevelBpe, type Tokenizer } from './tokenizer/index.ts';

export interface Student {
  config: Gpt2Config;
  tokenizer: Tokenizer;
  weights: Map<string, FloatTensor>;
}

export async function studentFromInit(dir: string): Promise<Student> {
  const pretrained = await readPretrainedGpt2(dir);
  if (pretrained.tokenizerJson === undefined) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} has no tokenizer.json (the student keeps its own tokenizer)`, {
      details: { dir },
    });
  }
  // readPretrainedGpt2 has checked every token id against the model's vocabulary.
  const tokenizer = parseTokenizerJson(pretrained.tokenizerJson, `${dir}/tokenizer.json`);
  return { config: pretrained.config, tokenizer, weights: pretrained.weights };
}

/** A fresh student; the vocabulary is what the BPE learned, at most `shape.vocabSize`. */
export function studentFromScratch(shape: ModelShape, sample: readonly TrainRow[], seed: number): Student {
  const texts = sample.map((row) => `${alpacaPrompt(row)}${row.response.trim()}`);
  const tokenizer = trainByteLevelBpe(texts, { vocabSize: shape.vocabSize });
  const sized: ModelShape = { ...shape, vocabSize: tokenizer.vocabSize };
  checkShape(sized);
  const config = gpt2Config(sized, { bosTokenId: tokenizer.eosId, eosTokenId: tokenizer.eosId });
  return { config, tokenizer, weights: initGpt2Weights(sized, seed) };
}
