/**
 * What `lamini train` is asked to do, validated at the edge, with the defaults spelled out in one place.
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import type { BackendChoice } from './backend/index.ts';
import { ADAMW_DEFAULTS, type AdamWConfig } from './optim/adamw.ts';
import { GPT2_LAYER_NORM_EPS, PRESETS, type ModelShape, type PresetName } from './model/shape.ts';
import { PAPER_ENCODER_DECODER_LR, presetBatchSize, presetLearningRate, type Arch, type StudentPresetName } from './presets.ts';

/** Shape flags; undefined where the preset's value stands. */
export interface ShapeOverrides {
  layers?: number | undefined;
  dModel?: number | undefined;
  heads?: number | undefined;
  context?: number | undefined;
  vocabSize?: number | undefined;
}

export interface TrainOptions {
  dataDir: string;
  /** Checkpoints root; `<dataDir>/checkpoints` by default. */
  out: string;
  /** A decoder-only or encoder-decoder preset (presets.ts); its family is the student's unless --init says another. */
  preset: StudentPresetName;
  /** The family asked for (`--arch`); must agree with the preset and with --init's folder when given. */
  arch?: Arch;
  overrides: ShapeOverrides;
  /** Micro-batch size (examples per forward pass). */
  batchSize?: number;
  /** Micro-batches per optimizer step (gradient accumulation); the effective batch is their product. */
  gradAccum: number;
  /** A Hugging Face GPT-2 or T5 folder to finetune from (its config.json's model_type decides the family). */
  init?: string;
  /** Optimizer steps to reach; without it, `epochs` passes over the corpus decide. */
  steps?: number;
  epochs?: number;
  follow: boolean;
  saveEvery: number;
  keep: number;
  evalEvery: number;
  evalExamples: number;
  /** Thousandths of the corpus held out for evaluation (by id hash). */
  evalPermille: number;
  backend: BackendChoice;
  seed: number;
  learningRate?: number;
  warmup?: number;
  maxGradNorm: number;
  adamw: AdamWConfig;
  /** Rows the tokenizer of a from-scratch student is trained on. */
  tokenizerSample: number;
  /** Native threads; the backend's default when absent. */
  threads?: number;
  logEvery: number;
  /** Memory the run may use, in bytes (default: the machine's total); a larger estimate is refused before training. */
  memoryLimit?: number;
}

export const TRAIN_DEFAULTS = {
  gradAccum: 1,
  follow: false,
  saveEvery: 200,
  keep: 3,
  evalEvery: 50,
  evalExamples: 64,
  evalPermille: 10,
  backend: 'auto',
  seed: 1,
  maxGradNorm: 1.0,
  adamw: ADAMW_DEFAULTS,
  tokenizerSample: 20_000,
  logEvery: 10,
  /** The paper's finetuning length; used when neither --steps nor --epochs is given. */
  epochs: 5,
} as const;

/** The paper's learning rate for decoder-only students finetuned from a pretrained checkpoint. */
export const PAPER_DECODER_LR = 2e-5;

/** The shape a decoder-only from-scratch run builds: the preset with the flags laid over it. */
export function requestedShape(preset: PresetName, overrides: ShapeOverrides): ModelShape {
  const base = PRESETS[preset].shape;
  return { ...base, ...definedOnly(overrides), layerNormEps: GPT2_LAYER_NORM_EPS };
}

export function batchSizeOf(options: Pick<TrainOptions, 'preset' | 'batchSize'>): number {
  return options.batchSize ?? presetBatchSize(options.preset);
}

/**
 * Peak learning rate: the flag, else the paper's when finetuning (2e-5 decoder-only, 5e-4 encoder-decoder), else
 * the preset's from-scratch rate.
 */
export function peakLearningRate(options: Pick<TrainOptions, 'preset' | 'init' | 'learningRate'>, arch: Arch): number {
  if (options.learningRate !== undefined) return options.learningRate;
  if (options.init === undefined) return presetLearningRate(options.preset);
  return arch === 'decoder-only' ? PAPER_DECODER_LR : PAPER_ENCODER_DECODER_LR;
}

export function checkTrainOptions(o: TrainOptions): void {
  const problems: string[] = [];
  const positive = (value: number | undefined, flag: string): void => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) problems.push(`${flag} must be a positive integer`);
  };
  positive(o.steps, '--steps');
  positive(o.epochs, '--epochs');
  positive(o.batchSize, '--batch-size');
  positive(o.gradAccum, '--grad-accum');
  positive(o.saveEvery, '--save-every');
  positive(o.keep, '--keep');
  positive(o.evalEvery, '--eval-every');
  positive(o.logEvery, '--log-every');
  if (!Number.isSafeInteger(o.evalExamples) || o.evalExamples < 0) problems.push('--eval-examples must be an integer >= 0');
  if (!Number.isSafeInteger(o.evalPermille) || o.evalPermille < 0 || o.evalPermille >= 1000) {
    problems.push('--eval-percent must be at least 0 and below 100 (in steps of 0.1)');
  }
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) problems.push('--seed must be an integer >= 0');
  if (o.learningRate !== undefined && !(o.learningRate > 0 && o.learningRate < 1)) problems.push('--lr must be in (0, 1)');
  if (o.warmup !== undefined && (!Number.isSafeInteger(o.warmup) || o.warmup < 0)) problems.push('--warmup must be an integer >= 0');
  if (o.threads !== undefined && (!Number.isSafeInteger(o.threads) || o.threads < 1)) problems.push('--threads must be a positive integer');
  if (problems.length > 0) throw new LaminiError(ErrorCodes.USAGE, problems.join('; '));
}

function definedOnly(o: ShapeOverrides): Partial<ModelShape> {
  const out: Partial<ModelShape> = {};
  if (o.layers !== undefined) out.layers = o.layers;
  if (o.dModel !== undefined) out.dModel = o.dModel;
  if (o.heads !== undefined) out.heads = o.heads;
  if (o.context !== undefined) out.context = o.context;
  if (o.vocabSize !== undefined) out.vocabSize = o.vocabSize;
  return out;
}
