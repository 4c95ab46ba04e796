/**
 * How much memory a training run needs, said before it starts: the weights (float32), the gradients (one copy, two
 * while micro-batches accumulate: the running sum and the newest), AdamW's two moments, and the activations one
 * micro-batch keeps for its backward pass (no gradient checkpointing in tfjs: every intermediate of the forward
 * pass lives until the gradient is taken). Per token and layer, counted from the ops in model/gpt2.ts and
 * model/t5.ts (d model width, I = heads × head size, F feed-forward width, H heads, T and S the decoder and
 * encoder lengths, V the vocabulary), in float32 values:
 *
 *   GPT-2 block          24·d + 3·H·T                (norms, q/k/v and their transposes, scores, softmax, MLP 4d ×3)
 *   T5 encoder block     6·d + 8·I + f·F + 3·H·S     (f = 4 gated-GELU, 2 ReLU)
 *   T5 decoder block     9·d + 16·I + f·F + 3·H·(T + S)
 *   output head          3·V per predicted token     (logits, the saved softmax gradient, the logits' gradient)
 *
 * An estimate to refuse early, not a promise: the allocator, the data pipeline and the JS heap add to it.
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import type { T5Config } from './checkpoint/t5-config.ts';
import { t5ParameterCount } from './checkpoint/t5-presets.ts';
import { parameterCount, type ModelShape } from './model/shape.ts';
import type { Arch } from './presets.ts';

const FLOAT = 4;

export interface MemoryShape {
  arch: Arch;
  parameters: number;
  /** Encoder layers (0 for decoder-only). */
  encoderLayers: number;
  /** Decoder layers (GPT-2's blocks). */
  decoderLayers: number;
  dModel: number;
  heads: number;
  /** Attention inner width, heads × head size. */
  inner: number;
  ff: number;
  gatedFf: boolean;
  vocab: number;
}

export interface MemoryRun {
  /** Examples per forward pass (the micro-batch). */
  batchSize: number;
  gradAccum: number;
  /** Encoder tokens per example (0 for decoder-only). */
  sourceTokens: number;
  /** Decoder tokens per example (the context for decoder-only). */
  targetTokens: number;
}

export interface MemoryEstimate {
  parameters: number;
  weights: number;
  gradients: number;
  moments: number;
  activations: number;
  total: number;
}

export function gpt2MemoryShape(shape: Omit<ModelShape, 'layerNormEps'>): MemoryShape {
  return {
    arch: 'decoder-only', parameters: parameterCount(shape), encoderLayers: 0, decoderLayers: shape.layers, dModel: shape.dModel,
    heads: shape.heads, inner: shape.dModel, ff: 4 * shape.dModel, gatedFf: false, vocab: shape.vocabSize,
  };
}

export function t5MemoryShape(config: T5Config): MemoryShape {
  return {
    arch: 'encoder-decoder', parameters: t5ParameterCount(config), encoderLayers: config.numLayers, decoderLayers: config.numDecoderLayers,
    dModel: config.dModel, heads: config.numHeads, inner: config.numHeads * config.dKv, ff: config.dFf,
    gatedFf: config.feedForwardProj === 'gated-gelu', vocab: config.vocabSize,
  };
}

export function estimateTrainingMemory(shape: MemoryShape, run: MemoryRun): MemoryEstimate {
  const p = shape.parameters;
  const { dModel: d, inner: i, ff, heads: h, vocab: v } = shape;
  const s = run.sourceTokens;
  const t = run.targetTokens;
  let perExample: number;
  if (shape.arch === 'decoder-only') {
    perExample = t * (shape.decoderLayers * (24 * d + 3 * h * t) + 3 * v + 2 * d);
  } else {
    const f = shape.gatedFf ? 4 : 2;
    const encoder = s * shape.encoderLayers * (6 * d + 8 * i + f * ff + 3 * h * s);
    const decoder = t * shape.decoderLayers * (9 * d + 16 * i + f * ff + 3 * h * (t + s));
    perExample = encoder + decoder + t * 3 * v + (s + t) * 2 * d;
  }
  const weights = FLOAT * p;
  const gradients = FLOAT * p * (run.gradAccum > 1 ? 2 : 1);
  const moments = 2 * FLOAT * p;
  const activations = FLOAT * run.batchSize * perExample;
  return { parameters: p, weights, gradients, moments, activations, total: weights + gradients + moments + activations };
}

/** "1.2 GB" / "340 MB" */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

export function describeEstimate(e: MemoryEstimate): string {
  return `${formatBytes(e.total)} (weights ${formatBytes(e.weights)}, gradients ${formatBytes(e.gradients)}, ` +
    `AdamW moments ${formatBytes(e.moments)}, activations ${formatBytes(e.activations)})`;
}

/**
 * The largest micro-batch whose estimate fits in `available` with gradient accumulation on (two gradient copies),
 * or 0 when not even one example fits.
 */
export function fittingBatch(shape: MemoryShape, run: MemoryRun, available: number): number {
  const one = estimateTrainingMemory(shape, { ...run, batchSize: 1, gradAccum: 2 });
  const fixed = one.weights + one.gradients + one.moments;
  return one.activations <= 0 ? 0 : Math.max(0, Math.floor((available - fixed) / one.activations));
}

/**
 * TRAIN_MEMORY_INSUFFICIENT, one line naming both figures, when the estimate exceeds what the machine has; it
 * says which micro-batch would fit (with --grad-accum keeping the effective batch) when one would.
 */
export function checkMemory(planned: { estimate: MemoryEstimate; shape: MemoryShape; run: MemoryRun; what: string }, available: number): void {
  const e = planned.estimate;
  if (e.total <= available) return;
  const batch = planned.run.batchSize > 1 ? Math.min(planned.run.batchSize - 1, fittingBatch(planned.shape, planned.run, available)) : 0;
  const accum = batch > 0 ? Math.ceil((planned.run.batchSize * planned.run.gradAccum) / batch) : 0;
  const advice = batch > 0
    ? `--batch-size ${batch} --grad-accum ${accum} would fit (the same effective batch)`
    : 'use a shorter --context or a smaller preset';
  throw new LaminiError(ErrorCodes.TRAIN_MEMORY_INSUFFICIENT,
    `${planned.what} needs about ${formatBytes(e.total)} to train, this machine has ${formatBytes(available)}; ${advice}`,
    { details: { needed: e.total, available, weights: e.weights, gradients: e.gradients, moments: e.moments, activations: e.activations, fittingBatch: batch } });
}
