/** Which architecture a Hugging Face model folder holds: config.json's `model_type`, "gpt2" or "t5". */
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { readOptional } from './hf-folder.ts';
import type { CheckpointArch } from './parts.ts';

export async function readModelType(dir: string): Promise<CheckpointArch> {
  const file = join(dir, 'config.json');
  const text = await readOptional(file);
  if (text === undefined) throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${dir} has no config.json`, { details: { dir } });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not valid JSON`, { details: { file } });
  }
  const type = typeof raw === 'object' && raw !== null && 'model_type' in raw ? raw.model_type : undefined;
  if (type === 'gpt2' || type === 't5') return type;
  throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH,
    `${file}: model_type ${JSON.stringify(type)} is neither "gpt2" (decoder-only) nor "t5" (encoder-decoder)`,
    { details: { file, modelType: type } });
}
