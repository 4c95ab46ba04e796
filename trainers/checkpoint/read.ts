/**
 * Finding and reading checkpoints in a checkpoint root: only complete, published folders count (layout.ts);
 * a checkpoint (GPT-2 or T5, by config.json's model_type) is read back whole and checked (config, weights against the config, tokenizer, trainer state,
 * optimizer moments), a corrupt file being CHECKPOINT_INVALID naming it.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { fsyncDir } from '../../corpus/fsutil.ts';
import { isNotFound } from './fs-probe.ts';
import { exists, readOptional, readPretrainedGpt2 } from './hf-folder.ts';
import { FILES, isStaleName, REQUIRED_FILES, stepOf } from './layout.ts';
import { readModelType } from './model-type.ts';
import { readPretrainedT5 } from './t5-folder.ts';
import { readSafetensors } from './safetensors.ts';
import type { CheckpointParts } from './parts.ts';

export interface CheckpointInfo {
  step: number;
  dir: string;
}

/** Published checkpoints that have every required file, oldest step first (a missing root has none). */
export async function listCheckpoints(root: string): Promise<CheckpointInfo[]> {
  const found: CheckpointInfo[] = [];
  for (const name of await entries(root)) {
    const step = stepOf(name);
    if (step === undefined) continue;
    const dir = join(root, name);
    if (await isComplete(dir)) found.push({ step, dir });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint, after removing stale temp folders a crash left behind. */
export async function latestCheckpoint(root: string): Promise<CheckpointInfo | undefined> {
  let removed = false;
  for (const name of await entries(root)) {
    if (!isStaleName(name)) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed = true;
  }
  if (removed) await fsyncDir(root);
  return (await listCheckpoints(root)).at(-1);
}

/** Reads and checks every part of a checkpoint folder. */
export async function readCheckpoint(dir: string): Promise<CheckpointParts> {
  for (const file of REQUIRED_FILES) {
    if (!(await exists(join(dir, file)))) {
      throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} is not a complete checkpoint: it has no ${file}`, { details: { dir, file } });
    }
  }
  const arch = await readModelType(dir);
  const model = arch === 'gpt2'
    ? { arch, ...(await readPretrainedGpt2(dir)) }
    : { arch, ...(await readPretrainedT5(dir)) };
  const { tokenizerJson } = model;
  if (tokenizerJson === undefined) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir}: ${FILES.tokenizer} disappeared while reading`, { details: { dir } });
  }
  const statePath = join(dir, FILES.trainerState);
  const trainerState = parseObject(await readOptional(statePath), statePath);
  const optimizer = await readSafetensors(join(dir, FILES.optimizer));
  const common = { weights: model.weights, tokenizerJson, trainerState, optimizer };
  return model.arch === 'gpt2' ? { arch: 'gpt2', config: model.config, ...common } : { arch: 't5', config: model.config, ...common };
}

async function isComplete(dir: string): Promise<boolean> {
  for (const file of REQUIRED_FILES) if (!(await exists(join(dir, file)))) return false;
  return true;
}

async function entries(root: string): Promise<string[]> {
  try {
    return await readdir(root);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

function parseObject(text: string | undefined, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not valid JSON`, { details: { file } });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not a JSON object`, { details: { file } });
  }
  return { ...value };
}
