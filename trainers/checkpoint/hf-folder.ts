/**
 * Reads a Hugging Face GPT-2 model folder (config.json + model.safetensors, tokenizer.json when present): a
 * user's pretrained student, or the model half of one of our checkpoints. Weights come back under their
 * canonical names, checked against config.json; half-precision files are converted to float32.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { isNotFound, pathExists } from './fs-probe.ts';
import { parseGpt2ConfigText, type Gpt2Config } from './gpt2-config.ts';
import { isGpt2Buffer, loadGpt2Weights } from './gpt2-tensors.ts';
import { readSafetensors, type FloatTensor } from './safetensors.ts';
import { summarizeTokenizer } from './tokenizer-files.ts';

export interface PretrainedGpt2 {
  config: Gpt2Config;
  /** Canonical names (`transformer.…`), float32. */
  weights: Map<string, FloatTensor>;
  /** tokenizer.json's text, verbatim, when the folder has one. */
  tokenizerJson: string | undefined;
}

export async function readPretrainedGpt2(dir: string): Promise<PretrainedGpt2> {
  const configPath = join(dir, 'config.json');
  const configText = await readOptional(configPath);
  if (configText === undefined) throw invalid(dir, 'has no config.json');
  const config = parseGpt2ConfigText(configText, configPath);
  const modelPath = join(dir, 'model.safetensors');
  if (!(await exists(modelPath))) throw invalid(dir, await missingModelReason(dir));
  const tensors = await readSafetensors(modelPath, { select: (name) => !isGpt2Buffer(name) });
  const weights = loadGpt2Weights(tensors, config, modelPath);
  const tokenizerPath = join(dir, 'tokenizer.json');
  const tokenizerJson = await readOptional(tokenizerPath);
  if (tokenizerJson !== undefined) summarizeTokenizer(tokenizerJson, config, tokenizerPath);
  return { config, weights, tokenizerJson };
}

async function missingModelReason(dir: string): Promise<string> {
  if (await exists(join(dir, 'model.safetensors.index.json'))) {
    return 'holds a sharded model (model.safetensors.index.json); only a single model.safetensors is read';
  }
  if (await exists(join(dir, 'pytorch_model.bin'))) {
    return 'holds only pytorch_model.bin; save it again with save_pretrained(dir, safe_serialization=True)';
  }
  return 'has no model.safetensors';
}

/** The file's text, or undefined when it does not exist; any other failure is CHECKPOINT_INVALID. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `cannot read ${path}: ${describe(error)}`, { cause: error, details: { file: path } });
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    return await pathExists(path);
  } catch (error) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `cannot read ${path}: ${describe(error)}`, { cause: error, details: { file: path } });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

function invalid(dir: string, problem: string): LaminiError {
  return new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} ${problem}`, { details: { dir } });
}
