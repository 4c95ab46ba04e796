/**
 * A GPT-2 student's shape ↔ Hugging Face `config.json`. Written with every key `GPT2Config.save_pretrained`
 * writes, sorted, 2-space indented, so `transformers` opens it unchanged. Parsed with the same defaults
 * `GPT2Config` has for absent keys; a config of another architecture is CHECKPOINT_MISMATCH, and so is a
 * GPT-2 variant this trainer does not compute (another activation, an inner size other than 4·d, untied
 * output head, unscaled or layer-scaled attention, cross-attention); a malformed one is CHECKPOINT_INVALID.
 * Every problem is reported at once, on one line naming the file.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { ModelShape } from '../model/shape.ts';

export interface Gpt2Config extends ModelShape {
  bosTokenId: number;
  eosTokenId: number;
  /** Standard deviation of the initial weights (`initializer_range`). */
  initializerRange: number;
}

/** The `transformers` release these files are checked against (bench/trainer/hf_compare.py). */
export const TRANSFORMERS_VERSION = '4.45.2';

/** GPT2Config's defaults, used for keys a config.json leaves out. */
const DEFAULTS = {
  vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, layer_norm_epsilon: 1e-5,
  initializer_range: 0.02, bos_token_id: 50256, eos_token_id: 50256,
} as const;

/** Both names `transformers` has for GELU with the tanh approximation, the one GPT-2 uses. */
const ACTIVATIONS = ['gelu_new', 'gelu_pytorch_tanh'];

/** A GPT-2 config with this shape and GPT-2's other values. */
export function gpt2Config(shape: ModelShape, ids: { bosTokenId: number; eosTokenId: number }): Gpt2Config {
  return { ...shape, ...ids, initializerRange: DEFAULTS.initializer_range };
}

/** The config.json object. Dropout values are GPT-2's, for whoever trains further in `transformers`. */
export function gpt2ConfigJson(config: Gpt2Config): Record<string, unknown> {
  const json: Record<string, unknown> = {
    activation_function: 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: 0.1,
    bos_token_id: config.bosTokenId,
    embd_pdrop: 0.1,
    eos_token_id: config.eosTokenId,
    initializer_range: config.initializerRange,
    layer_norm_epsilon: config.layerNormEps,
    model_type: 'gpt2',
    n_embd: config.dModel,
    n_head: config.heads,
    n_inner: null,
    n_layer: config.layers,
    n_positions: config.context,
    reorder_and_upcast_attn: false,
    resid_pdrop: 0.1,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vocab_size: config.vocabSize,
  };
  return json;
}

/** config.json's text, as `save_pretrained` lays it out. */
export function formatGpt2Config(config: Gpt2Config): string {
  return `${JSON.stringify(gpt2ConfigJson(config), null, 2)}\n`;
}

/** Reads a parsed config.json; `file` names it in errors. */
export function parseGpt2Config(raw: unknown, file: string): Gpt2Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not a JSON object`, { details: { file } });
  }
  const json: Record<string, unknown> = { ...raw };
  if (json.model_type !== 'gpt2') {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH,
      `${file}: model_type ${JSON.stringify(json.model_type)} is not "gpt2"; only GPT-2 checkpoints are supported`,
      { details: { file, modelType: json.model_type } });
  }
  const invalid: string[] = [];
  const unsupported: string[] = [];
  const count = (key: keyof typeof DEFAULTS, min: number): number => {
    const value = json[key] ?? DEFAULTS[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    invalid.push(`${key} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    return DEFAULTS[key];
  };
  const positive = (key: keyof typeof DEFAULTS): number => {
    const value = json[key] ?? DEFAULTS[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    invalid.push(`${key} must be a positive number (got ${JSON.stringify(value)})`);
    return DEFAULTS[key];
  };
  const config: Gpt2Config = {
    vocabSize: count('vocab_size', 1),
    context: count('n_positions', 1),
    dModel: count('n_embd', 1),
    layers: count('n_layer', 1),
    heads: count('n_head', 1),
    layerNormEps: positive('layer_norm_epsilon'),
    initializerRange: positive('initializer_range'),
    bosTokenId: count('bos_token_id', 0),
    eosTokenId: count('eos_token_id', 0),
  };
  if (config.dModel % config.heads !== 0) invalid.push(`n_embd ${config.dModel} is not a multiple of n_head ${config.heads}`);

  const activation = json.activation_function ?? 'gelu_new';
  if (typeof activation !== 'string' || !ACTIVATIONS.includes(activation)) {
    unsupported.push(`activation_function ${JSON.stringify(activation)} (only ${ACTIVATIONS.join(' / ')})`);
  }
  const inner = json.n_inner ?? null;
  if (inner !== null && inner !== 4 * config.dModel) unsupported.push(`n_inner ${JSON.stringify(inner)} (only null, i.e. 4 × n_embd)`);
  const flag = (key: string, supported: boolean): void => {
    const value = json[key];
    if (value !== undefined && value !== supported) unsupported.push(`${key} ${JSON.stringify(value)} (only ${supported})`);
  };
  flag('tie_word_embeddings', true);
  flag('scale_attn_weights', true);
  flag('scale_attn_by_inverse_layer_idx', false);
  flag('add_cross_attention', false);

  if (invalid.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: ${invalid.join('; ')}`, { details: { file, problems: invalid } });
  }
  if (unsupported.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file}: unsupported GPT-2 variant: ${unsupported.join('; ')}`,
      { details: { file, problems: unsupported } });
  }
  return config;
}

/** Parses config.json's text. */
export function parseGpt2ConfigText(text: string, file: string): Gpt2Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not valid JSON`, { details: { file } });
  }
  return parseGpt2Config(raw, file);
}
