/**
 * The T5 configurations at the paper's sizes (t5-small/base/large: ReLU, tied head; flan-t5-small/base/large:
 * T5 v1.1's gated-GELU, untied head), as the published config.json files give them, and the parameter count
 * of T5ForConditionalGeneration for any config (what `num_parameters()` reports: a tied head counted once).
 */
import type { T5Config, T5Shape } from './t5-config.ts';

export interface T5Preset {
  config: T5Config;
  /** The size the paper (and the model card) gives, in millions of parameters. */
  paperMillions: number;
}

/** What every published T5 / Flan-T5 config shares: the 32,128-token SentencePiece vocabulary, pad 0, eos 1. */
const SHARED = {
  vocabSize: 32128, relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0.1,
  layerNormEps: 1e-6, initializerFactor: 1.0, padTokenId: 0, eosTokenId: 1, decoderStartTokenId: 0,
} as const;

type Size = Pick<T5Config, 'dModel' | 'dKv' | 'dFf' | 'numLayers' | 'numHeads'>;

function t5(size: Size, paperMillions: number): T5Preset {
  return {
    config: { ...SHARED, ...size, numDecoderLayers: size.numLayers, feedForwardProj: 'relu', tieWordEmbeddings: true },
    paperMillions,
  };
}

function flan(size: Size, paperMillions: number): T5Preset {
  return {
    config: { ...SHARED, ...size, numDecoderLayers: size.numLayers, feedForwardProj: 'gated-gelu', tieWordEmbeddings: false },
    paperMillions,
  };
}

export const T5_PRESETS = {
  't5-small': t5({ dModel: 512, dKv: 64, dFf: 2048, numLayers: 6, numHeads: 8 }, 61),
  'flan-t5-small': flan({ dModel: 512, dKv: 64, dFf: 1024, numLayers: 8, numHeads: 6 }, 77),
  't5-base': t5({ dModel: 768, dKv: 64, dFf: 3072, numLayers: 12, numHeads: 12 }, 223),
  'flan-t5-base': flan({ dModel: 768, dKv: 64, dFf: 2048, numLayers: 12, numHeads: 12 }, 248),
  't5-large': t5({ dModel: 1024, dKv: 64, dFf: 4096, numLayers: 24, numHeads: 16 }, 738),
  'flan-t5-large': flan({ dModel: 1024, dKv: 64, dFf: 2816, numLayers: 24, numHeads: 16 }, 783),
} as const satisfies Record<string, T5Preset>;

export type T5PresetName = keyof typeof T5_PRESETS;

export function isT5PresetName(name: string): name is T5PresetName {
  return Object.hasOwn(T5_PRESETS, name);
}

/**
 * Parameters of T5ForConditionalGeneration: the shared embedding; per encoder block self-attention (q, k, v:
 * [inner, d], o: [d, inner]), the feed-forward and two RMS-norm weights; per decoder block also cross-attention
 * and a third norm; one relative-position table [buckets, heads] per stack (block 0); two final norms; and an
 * untied head.
 */
export function t5ParameterCount(config: T5Shape): number {
  const d = config.dModel;
  const attention = 4 * d * config.numHeads * config.dKv;
  const feedForward = (config.feedForwardProj === 'gated-gelu' ? 3 : 2) * d * config.dFf;
  const encoderBlock = attention + feedForward + 2 * d;
  const decoderBlock = 2 * attention + feedForward + 3 * d;
  const positionTables = 2 * config.relativeAttentionNumBuckets * config.numHeads;
  const embeddings = (config.tieWordEmbeddings ? 1 : 2) * config.vocabSize * d;
  return embeddings + config.numLayers * encoderBlock + config.numDecoderLayers * decoderBlock + positionTables + 2 * d;
}
