/**
 * The shape of a decoder-only (GPT-2 architecture) student, and the presets `lamini train --preset` names.
 * The same fields map one to one onto Hugging Face GPT-2 `config.json` keys (trainers/checkpoint/gpt2-config.ts).
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';

export interface ModelShape {
  vocabSize: number;
  /** Longest sequence, in tokens (`n_positions`). */
  context: number;
  dModel: number;
  layers: number;
  heads: number;
  layerNormEps: number;
}

export interface Preset {
  shape: Omit<ModelShape, 'layerNormEps'>;
  batchSize: number;
  /** Peak learning rate when training this preset from scratch. */
  learningRate: number;
  note: string;
}

/** GPT-2's own numbers: 1e-5 layer norm epsilon, 50,257 tokens, 1,024 positions. */
export const GPT2_LAYER_NORM_EPS = 1e-5;

export const PRESETS = {
  tiny: {
    shape: { vocabSize: 512, context: 128, dModel: 64, layers: 2, heads: 2 },
    batchSize: 8,
    learningRate: 3e-3,
    note: 'for tests: trains in seconds',
  },
  small: {
    shape: { vocabSize: 4096, context: 256, dModel: 384, layers: 6, heads: 6 },
    batchSize: 8,
    learningRate: 6e-4,
    note: 'about 12M parameters, from scratch on one CPU',
  },
  gpt2: {
    shape: { vocabSize: 50257, context: 1024, dModel: 768, layers: 12, heads: 12 },
    batchSize: 8,
    learningRate: 2e-5,
    note: "GPT-2's 124M shape; finetune from a Hugging Face folder with --init",
  },
  'gpt2-medium': {
    shape: { vocabSize: 50257, context: 1024, dModel: 1024, layers: 24, heads: 16 },
    batchSize: 4,
    learningRate: 2e-5,
    note: 'the paper\'s 355M decoder-only student; finetune with --init',
  },
  'gpt2-large': {
    shape: { vocabSize: 50257, context: 1024, dModel: 1280, layers: 36, heads: 20 },
    batchSize: 2,
    learningRate: 2e-5,
    note: 'the paper\'s 774M decoder-only student; finetune with --init',
  },
  'gpt2-xl': {
    shape: { vocabSize: 50257, context: 1024, dModel: 1600, layers: 48, heads: 25 },
    batchSize: 1,
    learningRate: 2e-5,
    note: 'the paper\'s 1.5B decoder-only student; finetune with --init',
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** Parameters of a GPT-2 with tied embeddings (what `transformers` counts for GPT2LMHeadModel). */
export function parameterCount(shape: Omit<ModelShape, 'layerNormEps'>): number {
  const d = shape.dModel;
  const perLayer = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return shape.vocabSize * d + shape.context * d + shape.layers * perLayer + 2 * d;
}

/** Rejects shapes that cannot be built, naming every problem at once. */
export function checkShape(shape: ModelShape): void {
  const problems: string[] = [];
  for (const key of ['vocabSize', 'context', 'dModel', 'layers', 'heads'] as const) {
    if (!Number.isSafeInteger(shape[key]) || shape[key] < 1) problems.push(`${key} must be a positive integer (got ${shape[key]})`);
  }
  if (problems.length === 0 && shape.dModel % shape.heads !== 0) {
    problems.push(`d-model ${shape.dModel} must be a multiple of heads ${shape.heads}`);
  }
  if (!(shape.layerNormEps > 0)) problems.push(`layer norm epsilon must be positive (got ${shape.layerNormEps})`);
  if (problems.length > 0) throw new LaminiError(ErrorCodes.CONFIG_INVALID, `bad model shape: ${problems.join('; ')}`);
}
