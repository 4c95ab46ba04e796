/**
 * Reads a Hugging Face T5 / Flan-T5 model folder (config.json + model.safetensors, tokenizer.json when present):
 * a user's pretrained student for `--init`, or the model half of one of our encoder-decoder checkpoints. Weights
 * come back under the names of `t5TensorSpecs`, checked against config.json; half-precision files become float32.
 * tokenizer.json, when there, must be a tokenizer we read (Unigram or byte-level BPE) whose ids all fit the model.
 */
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { parseAnyTokenizerJson } from '../tokenizer/index.ts';
import { exists, readOptional } from './hf-folder.ts';
import { readSafetensors, type FloatTensor } from './safetensors.ts';
import { parseT5ConfigText, type T5Config } from './t5-config.ts';
import { loadT5Weights } from './t5-tensors.ts';

export interface PretrainedT5 {
  config: T5Config;
  /** Names of `t5TensorSpecs` (aliases of `shared` folded in), float32. */
  weights: Map<string, FloatTensor>;
  /** tokenizer.json's text, verbatim, when the folder has one. */
  tokenizerJson: string | undefined;
}

export async function readPretrainedT5(dir: string): Promise<PretrainedT5> {
  const configPath = join(dir, 'config.json');
  const configText = await readOptional(configPath);
  if (configText === undefined) throw invalid(dir, 'has no config.json');
  const config = parseT5ConfigText(configText, configPath);
  const modelPath = join(dir, 'model.safetensors');
  if (!(await exists(modelPath))) {
    const why = (await exists(join(dir, 'pytorch_model.bin')))
      ? 'holds only pytorch_model.bin; save it again with save_pretrained(dir, safe_serialization=True)'
      : 'has no model.safetensors';
    throw invalid(dir, why);
  }
  const weights = loadT5Weights(await readSafetensors(modelPath), config, modelPath);
  const tokenizerPath = join(dir, 'tokenizer.json');
  const tokenizerJson = await readOptional(tokenizerPath);
  if (tokenizerJson !== undefined) checkT5Tokenizer(tokenizerJson, config, tokenizerPath);
  return { config, weights, tokenizerJson };
}

/** The tokenizer parses, and its vocabulary and end token fit the model (T5's 32,100 pieces in 32,128 rows). */
export function checkT5Tokenizer(text: string, config: T5Config, file: string): void {
  const tokenizer = parseAnyTokenizerJson(text, file);
  const problems: string[] = [];
  if (tokenizer.vocabSize > config.vocabSize) problems.push(`has ${tokenizer.vocabSize} tokens, more than vocab_size ${config.vocabSize}`);
  if (tokenizer.eosId !== config.eosTokenId) problems.push(`ends with token ${tokenizer.eosId}, config.json's eos_token_id is ${config.eosTokenId}`);
  if (problems.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file} ${problems.join('; ')}`, { details: { file, problems } });
  }
}

function invalid(dir: string, problem: string): LaminiError {
  return new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} ${problem}`, { details: { dir } });
}
