/**
 * An encoder-decoder (T5) student's configuration ↔ Hugging Face `config.json` (model_type "t5"). Both variants
 * of the paper's architecture as T5ForConditionalGeneration implements them: T5 (`feed_forward_proj` "relu",
 * output head tied to `shared`) and T5 v1.1 / Flan-T5 ("gated-gelu", untied `lm_head`). Written with exactly the
 * keys `T5ForConditionalGeneration.save_pretrained` writes, sorted, 2-space indented (the same bytes for the same
 * config). Parsed with T5Config's defaults for absent keys; another model_type, or a T5 variant we do not compute
 * (another feed-forward, an activation that contradicts it), is CHECKPOINT_MISMATCH; malformed values are
 * CHECKPOINT_INVALID. Every problem is reported at once, on one line naming the file.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { TRANSFORMERS_VERSION } from './gpt2-config.ts';

/** The two feed-forward blocks: T5's `wo(relu(wi x))`, and v1.1's `wo(gelu_new(wi_0 x) * wi_1 x)`. */
export type T5FeedForward = 'relu' | 'gated-gelu';

export const T5_FEED_FORWARDS: readonly T5FeedForward[] = ['relu', 'gated-gelu'];

export interface T5Config {
  vocabSize: number;
  dModel: number;
  /** Size of one attention head (`d_kv`); the attention's inner size is numHeads × dKv, not always dModel. */
  dKv: number;
  dFf: number;
  /** Encoder blocks (`num_layers`). */
  numLayers: number;
  numDecoderLayers: number;
  numHeads: number;
  relativeAttentionNumBuckets: number;
  relativeAttentionMaxDistance: number;
  dropoutRate: number;
  /** RMS norm epsilon (`layer_norm_epsilon`); T5's norm has a weight and no bias or mean. */
  layerNormEps: number;
  feedForwardProj: T5FeedForward;
  /** True: no `lm_head.weight`; the head is `shared` and the decoder output is scaled by dModel^-0.5 first. */
  tieWordEmbeddings: boolean;
  /** Scale of the initial weights (`initializer_factor`). */
  initializerFactor: number;
  padTokenId: number;
  eosTokenId: number;
  /** First decoder input; T5 uses the pad id. */
  decoderStartTokenId: number;
}

/** The fields that decide the state dict's names and shapes (t5-tensors.ts). */
export type T5Shape = Pick<T5Config, 'vocabSize' | 'dModel' | 'dKv' | 'dFf' | 'numLayers' | 'numDecoderLayers' | 'numHeads' |
  'relativeAttentionNumBuckets' | 'feedForwardProj' | 'tieWordEmbeddings'>;

/** T5Config's defaults, used for keys a config.json leaves out (decoder_start_token_id: pad_token_id). */
const DEFAULTS = {
  vocab_size: 32128, d_model: 512, d_kv: 64, d_ff: 2048, num_layers: 6, num_heads: 8,
  relative_attention_num_buckets: 32, relative_attention_max_distance: 128, dropout_rate: 0.1,
  layer_norm_epsilon: 1e-6, initializer_factor: 1.0, pad_token_id: 0, eos_token_id: 1,
} as const;

/** `dense_act_fn` names T5Config derives from each feed-forward (gelu_pytorch_tanh is the same function as gelu_new). */
const ACTIVATIONS: Record<T5FeedForward, readonly string[]> = { relu: ['relu'], 'gated-gelu': ['gelu_new', 'gelu_pytorch_tanh'] };

/** The config.json object, keys sorted; `tie_word_embeddings` only when false, as save_pretrained omits defaults. */
export function t5ConfigJson(config: T5Config): Record<string, unknown> {
  const gated = config.feedForwardProj === 'gated-gelu';
  const json: Record<string, unknown> = {
    architectures: ['T5ForConditionalGeneration'],
    classifier_dropout: 0.0,
    d_ff: config.dFf,
    d_kv: config.dKv,
    d_model: config.dModel,
    decoder_start_token_id: config.decoderStartTokenId,
    dense_act_fn: gated ? 'gelu_new' : 'relu',
    dropout_rate: config.dropoutRate,
    eos_token_id: config.eosTokenId,
    feed_forward_proj: config.feedForwardProj,
    initializer_factor: config.initializerFactor,
    is_encoder_decoder: true,
    is_gated_act: gated,
    layer_norm_epsilon: config.layerNormEps,
    model_type: 't5',
    num_decoder_layers: config.numDecoderLayers,
    num_heads: config.numHeads,
    num_layers: config.numLayers,
    pad_token_id: config.padTokenId,
    relative_attention_max_distance: config.relativeAttentionMaxDistance,
    relative_attention_num_buckets: config.relativeAttentionNumBuckets,
  };
  if (!config.tieWordEmbeddings) json.tie_word_embeddings = false;
  json.torch_dtype = 'float32';
  json.transformers_version = TRANSFORMERS_VERSION;
  json.use_cache = true;
  json.vocab_size = config.vocabSize;
  return json;
}

/** config.json's text, as `save_pretrained` lays it out: 2-space indent, floats as Python prints them. */
export function formatT5Config(config: T5Config): string {
  const lines = Object.entries(t5ConfigJson(config)).map(([key, value]) => {
    const text = typeof value === 'number' && FLOAT_KEYS.has(key)
      ? pythonFloat(value)
      : JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Keys T5Config holds as Python floats. */
const FLOAT_KEYS = new Set(['classifier_dropout', 'dropout_rate', 'initializer_factor', 'layer_norm_epsilon']);

/** Python's repr of a float: always a point or an exponent, the exponent below 1e-4 (1.0, 0.1, 1e-06). */
function pythonFloat(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa = '', exponent = ''] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Reads a parsed config.json; `file` names it in errors. */
export function parseT5Config(raw: unknown, file: string): T5Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not a JSON object`, { details: { file } });
  }
  const json: Record<string, unknown> = { ...raw };
  if (json.model_type !== 't5') {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH,
      `${file}: model_type ${JSON.stringify(json.model_type)} is not "t5"; only T5 encoder-decoder checkpoints are read here`,
      { details: { file, modelType: json.model_type } });
  }
  const invalid: string[] = [];
  const unsupported: string[] = [];
  const integer = (key: string, fallback: number, min: number): number => {
    const value = json[key] ?? fallback;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    invalid.push(`${key} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    return fallback;
  };
  const real = (key: keyof typeof DEFAULTS, ok: (v: number) => boolean, rule: string): number => {
    const value = json[key] ?? DEFAULTS[key];
    if (typeof value === 'number' && Number.isFinite(value) && ok(value)) return value;
    invalid.push(`${key} must be ${rule} (got ${JSON.stringify(value)})`);
    return DEFAULTS[key];
  };
  const count = (key: keyof typeof DEFAULTS, min: number): number => integer(key, DEFAULTS[key], min);

  const numLayers = count('num_layers', 1);
  const padTokenId = count('pad_token_id', 0);
  const flag = (key: string, fallback: boolean): boolean => {
    const value = json[key] ?? fallback;
    if (typeof value === 'boolean') return value;
    invalid.push(`${key} must be true or false (got ${JSON.stringify(value)})`);
    return fallback;
  };
  const config: T5Config = {
    vocabSize: count('vocab_size', 1),
    dModel: count('d_model', 1),
    dKv: count('d_kv', 1),
    dFf: count('d_ff', 1),
    numLayers,
    numDecoderLayers: integer('num_decoder_layers', numLayers, 1),
    numHeads: count('num_heads', 1),
    relativeAttentionNumBuckets: count('relative_attention_num_buckets', 4),
    relativeAttentionMaxDistance: count('relative_attention_max_distance', 1),
    dropoutRate: real('dropout_rate', (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    layerNormEps: real('layer_norm_epsilon', (v) => v > 0, 'a positive number'),
    feedForwardProj: feedForward(json, invalid, unsupported),
    tieWordEmbeddings: flag('tie_word_embeddings', true),
    initializerFactor: real('initializer_factor', (v) => v > 0, 'a positive number'),
    padTokenId,
    eosTokenId: count('eos_token_id', 0),
    decoderStartTokenId: integer('decoder_start_token_id', padTokenId, 0),
  };
  const half = Math.floor(config.relativeAttentionNumBuckets / 2);
  if (config.relativeAttentionMaxDistance <= half) {
    invalid.push(`relative_attention_max_distance ${config.relativeAttentionMaxDistance} ` +
      `must exceed half of relative_attention_num_buckets (${half})`);
  }
  const ids: [string, number][] = [
    ['pad_token_id', config.padTokenId], ['eos_token_id', config.eosTokenId], ['decoder_start_token_id', config.decoderStartTokenId],
  ];
  for (const [key, id] of ids) {
    if (id >= config.vocabSize) invalid.push(`${key} ${id} is not below vocab_size ${config.vocabSize}`);
  }
  const activation = json.dense_act_fn;
  if (activation !== undefined && !ACTIVATIONS[config.feedForwardProj].some((a) => a === activation)) {
    unsupported.push(`dense_act_fn ${JSON.stringify(activation)} with feed_forward_proj "${config.feedForwardProj}" ` +
      `(only ${ACTIVATIONS[config.feedForwardProj].join(' / ')})`);
  }
  const gated = json.is_gated_act;
  if (gated !== undefined && gated !== (config.feedForwardProj === 'gated-gelu')) {
    unsupported.push(`is_gated_act ${JSON.stringify(gated)} with feed_forward_proj "${config.feedForwardProj}"`);
  }
  if (json.is_encoder_decoder !== undefined && json.is_encoder_decoder !== true) {
    unsupported.push(`is_encoder_decoder ${JSON.stringify(json.is_encoder_decoder)} (only true)`);
  }

  if (invalid.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: ${invalid.join('; ')}`, { details: { file, problems: invalid } });
  }
  if (unsupported.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file}: unsupported T5 variant: ${unsupported.join('; ')}`,
      { details: { file, problems: unsupported } });
  }
  return config;
}

function feedForward(json: Record<string, unknown>, invalid: string[], unsupported: string[]): T5FeedForward {
  const value = json.feed_forward_proj ?? 'relu';
  if (typeof value !== 'string') {
    invalid.push(`feed_forward_proj must be a string (got ${JSON.stringify(value)})`);
    return 'relu';
  }
  const known = T5_FEED_FORWARDS.find((f) => f === value);
  if (known !== undefined) return known;
  unsupported.push(`feed_forward_proj ${JSON.stringify(value)} (only "relu", T5, or "gated-gelu", T5 v1.1 / Flan-T5)`);
  return 'relu';
}

/** Parses config.json's text. */
export function parseT5ConfigText(text: string, file: string): T5Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: not valid JSON`, { details: { file } });
  }
  return parseT5Config(raw, file);
}
