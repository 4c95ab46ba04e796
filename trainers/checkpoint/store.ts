/**
 * Saving checkpoints so that a crash or a full disk never costs the last good one: every file is written into
 * `<root>/.checkpoint-<step>.tmp/` and fsynced, the folder is fsynced and renamed to `checkpoint-<step>`, the
 * root is fsynced, and only then are older checkpoints beyond `keep` pruned (renamed to a hidden name first,
 * so a crash mid-removal leaves no half checkpoint that looks whole). Reading lives in read.ts.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';
import { fsyncDir } from '../../corpus/fsutil.ts';
import { nodeFileWriter, type FileWriter } from './file-writer.ts';
import { pathExists } from './fs-probe.ts';
import { formatGpt2Config } from './gpt2-config.ts';
import { loadGpt2Weights } from './gpt2-tensors.ts';
import { checkpointName, FILES, prunedName, tempName } from './layout.ts';
import type { CheckpointParts, Gpt2CheckpointParts, T5CheckpointParts } from './parts.ts';
import { listCheckpoints } from './read.ts';
import { encodeSafetensorsChunks, type FloatTensors } from './safetensors.ts';
import { formatT5Config } from './t5-config.ts';
import { checkT5Tokenizer } from './t5-folder.ts';
import { loadT5Weights } from './t5-tensors.ts';
import { t5GenerationConfigFile, t5TokenizerConfigFiles } from './t5-tokenizer-files.ts';
import { generationConfigFile, summarizeTokenizer, tokenizerConfigFiles } from './tokenizer-files.ts';

export { latestCheckpoint, listCheckpoints, readCheckpoint, type CheckpointInfo } from './read.ts';

export interface SaveOptions {
  /** How many checkpoints to keep, the new one included (default: all). */
  keep?: number;
  /** Where file bytes go (default: the real disk); tests inject one that fails. */
  writer?: FileWriter;
}

export interface SavedCheckpoint {
  step: number;
  dir: string;
  /** Steps of the checkpoints pruned after this one was published. */
  pruned: number[];
}

/**
 * Writes `<root>/checkpoint-<step>/`. The parts are checked first (weights against the config, tokenizer.json
 * against the vocabulary). A failed write is CHECKPOINT_WRITE_FAILED, with the temp folder removed and every
 * earlier checkpoint untouched; so is a step that already has a checkpoint.
 */
export async function saveCheckpoint(root: string, step: number, parts: CheckpointParts, options: SaveOptions = {}): Promise<SavedCheckpoint> {
  const keep = options.keep ?? Infinity;
  if (!Number.isSafeInteger(step) || step < 0) throw new LaminiError(ErrorCodes.INTERNAL, `checkpoint step must be an integer >= 0 (got ${step})`);
  if (!(keep === Infinity || (Number.isSafeInteger(keep) && keep >= 1))) {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `checkpoints to keep must be an integer >= 1 (got ${keep})`);
  }
  const files = checkpointFiles(parts);
  const dir = join(root, checkpointName(step));
  const temp = join(root, tempName(step));
  const fail = (problem: string, cause?: unknown): LaminiError =>
    new LaminiError(ErrorCodes.CHECKPOINT_WRITE_FAILED, `cannot write ${checkpointName(step)} in ${root}: ${problem}`,
      { cause, details: { root, step } });
  try {
    await mkdir(root, { recursive: true });
    if (await pathExists(dir)) throw fail('it already exists');
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp);
    const writer = options.writer ?? nodeFileWriter;
    for (const [name, chunks] of files) {
      try {
        await writer.writeFile(join(temp, name), chunks);
      } catch (error) {
        throw fail(`${name}: ${describeError(error)}`, error);
      }
    }
    await fsyncDir(temp);
    await rename(temp, dir);
    await fsyncDir(root);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof LaminiError) throw error;
    throw fail(describeError(error), error);
  }
  return { step, dir, pruned: await prune(root, step, keep) };
}

/** Every file of the checkpoint, in write order, as the chunks to write. */
function checkpointFiles(parts: CheckpointParts): Array<[string, Iterable<Uint8Array>]> {
  const text = (s: string): Uint8Array[] => [Buffer.from(s, 'utf8')];
  const model = parts.arch === 'gpt2' ? gpt2Files(parts) : t5Files(parts);
  return [
    [FILES.config, text(model.config)],
    [FILES.generationConfig, text(model.generationConfig)],
    [FILES.model, encodeSafetensorsChunks(model.weights)],
    [FILES.tokenizer, text(parts.tokenizerJson)],
    [FILES.tokenizerConfig, text(model.tokenizerConfig)],
    [FILES.specialTokensMap, text(model.specialTokensMap)],
    [FILES.optimizer, encodeSafetensorsChunks(parts.optimizer)],
    [FILES.trainerState, text(`${JSON.stringify(parts.trainerState, null, 2)}\n`)],
  ];
}

interface ModelFiles {
  config: string;
  generationConfig: string;
  weights: FloatTensors;
  tokenizerConfig: string;
  specialTokensMap: string;
}

function gpt2Files(parts: Gpt2CheckpointParts): ModelFiles {
  const { config } = parts;
  const weights = loadGpt2Weights(parts.weights, config, 'weights given to saveCheckpoint');
  const tokenizer = summarizeTokenizer(parts.tokenizerJson, config, 'tokenizer.json given to saveCheckpoint');
  return { config: formatGpt2Config(config), generationConfig: generationConfigFile(config), weights, ...tokenizerConfigFiles(config, tokenizer) };
}

function t5Files(parts: T5CheckpointParts): ModelFiles {
  const { config } = parts;
  const weights = loadT5Weights(parts.weights, config, 'weights given to saveCheckpoint');
  checkT5Tokenizer(parts.tokenizerJson, config, 'tokenizer.json given to saveCheckpoint');
  return { config: formatT5Config(config), generationConfig: t5GenerationConfigFile(config), weights, ...t5TokenizerConfigFiles(parts.tokenizerJson, config) };
}

/** Removes the oldest checkpoints beyond `keep`, never `newStep`'s. */
async function prune(root: string, newStep: number, keep: number): Promise<number[]> {
  if (keep === Infinity) return [];
  const others = (await listCheckpoints(root)).filter((c) => c.step !== newStep).sort((a, b) => b.step - a.step);
  const doomed = others.slice(keep - 1).reverse();
  try {
    for (const { step, dir } of doomed) {
      const hidden = join(root, prunedName(step));
      await rm(hidden, { recursive: true, force: true });
      await rename(dir, hidden);
      await fsyncDir(root);
      await rm(hidden, { recursive: true, force: true });
    }
  } catch (error) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_WRITE_FAILED,
      `${checkpointName(newStep)} was saved in ${root}, but pruning older checkpoints failed: ${describeError(error)}`,
      { cause: error, details: { root, step: newStep, saved: true } });
  }
  return doomed.map((c) => c.step);
}
