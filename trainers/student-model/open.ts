/**
 * `openStudent`: a model folder (any Hugging Face GPT-2 or T5 folder with tokenizer.json, or one of our
 * checkpoints) or a checkpoints root (its latest checkpoint), on a TensorFlow.js backend, as a StudentModel.
 * The family comes from config.json's `model_type`.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { backendCapabilities, ensureBackend, selectBackend, type BackendChoice } from '../backend/index.ts';
import { latestCheckpoint, readModelType } from '../checkpoint/index.ts';
import { readPretrainedT5 } from '../checkpoint/t5-folder.ts';
import { Gpt2 } from '../model/gpt2.ts';
import { T5 } from '../model/t5.ts';
import { studentFromInit } from '../student.ts';
import { parseAnyTokenizerJson } from '../tokenizer/index.ts';
import { DecoderOnlyStudent, type StudentIdentity } from './decoder-only.ts';
import { EncoderDecoderStudent } from './encoder-decoder.ts';
import type { StudentFamily, StudentModel } from './types.ts';

export interface OpenStudentOptions {
  /** The TensorFlow.js backend (default `auto`: the best that starts). */
  backend?: BackendChoice;
  /** Native TensorFlow threads (only before the first native load in a process). */
  threads?: number;
  /** Display name (default: the folder's name, or `run/checkpoint-N` for a checkpoint). */
  name?: string;
  /** Lines about backend setup (a first-use native TensorFlow install); silent by default. */
  log?: (line: string) => void;
}

export async function openStudent(where: string, options: OpenStudentOptions = {}): Promise<StudentModel> {
  const dir = await modelFolder(where);
  const family = await familyOf(dir);
  const choice = options.backend ?? 'auto';
  await ensureBackend(choice, { log: options.log ?? (() => undefined) });
  const selected = await selectBackend(choice, options.threads === undefined ? {} : { threads: options.threads });
  const embedding = backendCapabilities(selected.name).gatherGradient ? 'gather' : 'one-hot';
  const identity: StudentIdentity = { name: options.name ?? displayName(dir), dir, backend: selected.name };
  if (family === 'decoder-only') {
    const student = await studentFromInit(dir);
    return new DecoderOnlyStudent(new Gpt2(student.config, student.weights, { embedding }), student.tokenizer, identity);
  }
  const pretrained = await readPretrainedT5(dir);
  if (pretrained.tokenizerJson === undefined) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} has no tokenizer.json (a student needs its tokenizer)`, { details: { dir } });
  }
  const tokenizer = parseAnyTokenizerJson(pretrained.tokenizerJson, join(dir, 'tokenizer.json'));
  return new EncoderDecoderStudent(new T5(pretrained.config, pretrained.weights, { embedding }), tokenizer, identity);
}

/** A folder with config.json is used as it is; otherwise it is a checkpoints root and its latest is used. */
export async function modelFolder(where: string): Promise<string> {
  if (await isFile(join(where, 'config.json'))) return where;
  const latest = await latestCheckpoint(where);
  if (latest === undefined) {
    throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `${where} is neither a model folder (no config.json) nor a folder of checkpoints`, {
      details: { path: where },
    });
  }
  return latest.dir;
}

/** The family config.json's `model_type` names: gpt2 (decoder-only) or t5 (encoder-decoder). */
export async function familyOf(dir: string): Promise<StudentFamily> {
  return (await readModelType(dir)) === 'gpt2' ? 'decoder-only' : 'encoder-decoder';
}

function displayName(dir: string): string {
  const leaf = basename(dir);
  return /^checkpoint-\d+$/.test(leaf) ? `${basename(dirname(dir))}/${leaf}` : leaf;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
