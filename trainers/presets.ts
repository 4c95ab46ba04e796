/**
 * Every `lamini train --preset`, both families: the decoder-only (GPT-2) shapes of model/shape.ts and the
 * encoder-decoder (T5, Flan-T5) configurations here, the paper's sizes among them (t5-small 61M … flan-t5-large
 * 783M, gpt2 124M … gpt2-xl 1.5B; their weights come from the user's Hugging Face folders via --init), plus tiny
 * ones for tests. The paper's learning rates: 5e-4 for encoder-decoder students, 2e-5 for decoder-only
 * finetuning; 5 epochs (options.ts).
 */
import { T5_PRESETS } from './checkpoint/t5-presets.ts';
import type { T5Config } from './checkpoint/t5-config.ts';
import { PRESETS, type PresetName } from './model/shape.ts';

export type Arch = 'decoder-only' | 'encoder-decoder';
export const ARCHES: readonly Arch[] = ['decoder-only', 'encoder-decoder'];

/** The longest encoder input and decoder output by default: T5's training length (relative positions have no hard cap). */
export const T5_WINDOW = 512;

/** The paper's learning rate for encoder-decoder students (from scratch and finetuned alike). */
export const PAPER_ENCODER_DECODER_LR = 5e-4;

export interface EncoderDecoderPreset {
  /** From scratch, `vocabSize` is the BPE's cap and the special ids follow the trained tokenizer. */
  config: T5Config;
  /** Longest encoder input and decoder target, in tokens. */
  window: number;
  batchSize: number;
  learningRate: number;
  note: string;
}

/** Tiny T5s for tests: a byte-level BPE of up to 512 tokens, ids set from the tokenizer. */
const TINY = {
  vocabSize: 512, dModel: 64, dKv: 16, dFf: 128, numLayers: 2, numDecoderLayers: 2, numHeads: 4,
  relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0.1, layerNormEps: 1e-6,
  initializerFactor: 1.0, padTokenId: 0, eosTokenId: 1, decoderStartTokenId: 0,
} as const;

function paper(name: keyof typeof T5_PRESETS, batchSize: number): EncoderDecoderPreset {
  const p = T5_PRESETS[name];
  return {
    config: p.config, window: T5_WINDOW, batchSize, learningRate: PAPER_ENCODER_DECODER_LR,
    note: `the paper's ${p.paperMillions}M encoder-decoder student; finetune with --init`,
  };
}

export const T5_STUDENT_PRESETS = {
  't5-tiny': {
    config: { ...TINY, feedForwardProj: 'relu', tieWordEmbeddings: true }, window: 128, batchSize: 8, learningRate: 3e-3,
    note: 'for tests: T5 (ReLU, tied head), trains in seconds',
  },
  'flan-t5-tiny': {
    config: { ...TINY, feedForwardProj: 'gated-gelu', tieWordEmbeddings: false }, window: 128, batchSize: 8, learningRate: 3e-3,
    note: 'for tests: T5 v1.1 / Flan-T5 (gated GELU, untied head)',
  },
  't5-small': paper('t5-small', 8),
  'flan-t5-small': paper('flan-t5-small', 8),
  't5-base': paper('t5-base', 4),
  'flan-t5-base': paper('flan-t5-base', 4),
  't5-large': paper('t5-large', 2),
  'flan-t5-large': paper('flan-t5-large', 2),
} as const satisfies Record<string, EncoderDecoderPreset>;

export type T5StudentPresetName = keyof typeof T5_STUDENT_PRESETS;
export type StudentPresetName = PresetName | T5StudentPresetName;

export function isDecoderPreset(name: StudentPresetName): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

export function isStudentPresetName(name: string): name is StudentPresetName {
  return Object.hasOwn(PRESETS, name) || Object.hasOwn(T5_STUDENT_PRESETS, name);
}

export function presetArch(name: StudentPresetName): Arch {
  return isDecoderPreset(name) ? 'decoder-only' : 'encoder-decoder';
}

export function presetBatchSize(name: StudentPresetName): number {
  return isDecoderPreset(name) ? PRESETS[name].batchSize : T5_STUDENT_PRESETS[name].batchSize;
}

export function presetLearningRate(name: StudentPresetName): number {
  return isDecoderPreset(name) ? PRESETS[name].learningRate : T5_STUDENT_PRESETS[name].learningRate;
}

/** Every preset name, decoder-only first. */
export const STUDENT_PRESET_NAMES: readonly StudentPresetName[] = [
  ...(Object.keys(PRESETS).filter(isStudentPresetName)),
  ...(Object.keys(T5_STUDENT_PRESETS).filter(isStudentPresetName)),
];
