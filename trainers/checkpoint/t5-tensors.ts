/**
 * The state dict of Hugging Face's T5ForConditionalGeneration: names and shapes (`t5TensorSpecs`), and the check
 * that turns the tensors of a user's `model.safetensors` into exactly those (`loadT5Weights`). With d = d_model,
 * I = num_heads × d_kv (the attention's inner size), F = d_ff, V = vocab_size, B = buckets, H = heads; nn.Linear
 * stores [out, in]; no biases anywhere:
 *
 *   shared.weight [V, d]
 *   encoder.block.{i}.layer.0.SelfAttention.{q,k,v}.weight [I, d]   .o.weight [d, I]
 *   encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight [B, H]      (block 0 only)
 *   encoder.block.{i}.layer.0.layer_norm.weight [d]
 *   encoder.block.{i}.layer.1.DenseReluDense.wi.weight [F, d]           relu
 *                            .DenseReluDense.wi_0.weight, .wi_1.weight [F, d]   gated-gelu
 *                            .DenseReluDense.wo.weight [d, F]
 *   encoder.block.{i}.layer.1.layer_norm.weight [d]
 *   encoder.final_layer_norm.weight [d]
 *   decoder.block.{i}.layer.0 SelfAttention as above (relative_attention_bias in block 0 only), layer_norm
 *   decoder.block.{i}.layer.1.EncDecAttention.{q,k,v}.weight [I, d]  .o.weight [d, I], layer.1.layer_norm
 *   decoder.block.{i}.layer.2.DenseReluDense…, layer.2.layer_norm
 *   decoder.final_layer_norm.weight [d]
 *   lm_head.weight [V, d]                                                untied only
 *
 * Files may also hold `encoder.embed_tokens.weight` / `decoder.embed_tokens.weight` (aliases of `shared`; one
 * of the three must be there, and all that are must be equal), a `lm_head.weight` equal to `shared` when tied,
 * and the `decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight` of the original checkpoints,
 * which transformers ignores too.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { TensorSpec } from './gpt2-tensors.ts';
import type { FloatTensor } from './safetensors.ts';
import type { T5Shape } from './t5-config.ts';

const SHARED = 'shared.weight';
const HEAD = 'lm_head.weight';
const EMBED_ALIASES = ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight'];
/** In the original T5 checkpoints; unused by the model (`_keys_to_ignore_on_load_unexpected`). */
const IGNORED = new Set(['decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight']);

/** Every parameter of T5ForConditionalGeneration for this config, in state-dict order (aliases of shared left out). */
export function t5TensorSpecs(config: T5Shape): TensorSpec[] {
  const specs: TensorSpec[] = [{ name: SHARED, shape: [config.vocabSize, config.dModel] }];
  for (let i = 0; i < config.numLayers; i++) {
    const at = `encoder.block.${i}.layer`;
    specs.push(...attention(`${at}.0.SelfAttention`, config, i === 0), norm(`${at}.0`, config));
    specs.push(...feedForward(`${at}.1`, config), norm(`${at}.1`, config));
  }
  specs.push({ name: 'encoder.final_layer_norm.weight', shape: [config.dModel] });
  for (let i = 0; i < config.numDecoderLayers; i++) {
    const at = `decoder.block.${i}.layer`;
    specs.push(...attention(`${at}.0.SelfAttention`, config, i === 0), norm(`${at}.0`, config));
    specs.push(...attention(`${at}.1.EncDecAttention`, config, false), norm(`${at}.1`, config));
    specs.push(...feedForward(`${at}.2`, config), norm(`${at}.2`, config));
  }
  specs.push({ name: 'decoder.final_layer_norm.weight', shape: [config.dModel] });
  if (!config.tieWordEmbeddings) specs.push({ name: HEAD, shape: [config.vocabSize, config.dModel] });
  return specs;
}

function attention(at: string, config: T5Shape, positionTable: boolean): TensorSpec[] {
  const d = config.dModel;
  const inner = config.numHeads * config.dKv;
  const specs: TensorSpec[] = [
    { name: `${at}.q.weight`, shape: [inner, d] },
    { name: `${at}.k.weight`, shape: [inner, d] },
    { name: `${at}.v.weight`, shape: [inner, d] },
    { name: `${at}.o.weight`, shape: [d, inner] },
  ];
  if (positionTable) {
    specs.push({ name: `${at}.relative_attention_bias.weight`, shape: [config.relativeAttentionNumBuckets, config.numHeads] });
  }
  return specs;
}

function feedForward(at: string, config: T5Shape): TensorSpec[] {
  const d = config.dModel;
  const f = config.dFf;
  const wi = config.feedForwardProj === 'gated-gelu' ? ['wi_0', 'wi_1'] : ['wi'];
  return [
    ...wi.map((w) => ({ name: `${at}.DenseReluDense.${w}.weight`, shape: [f, d] })),
    { name: `${at}.DenseReluDense.wo.weight`, shape: [d, f] },
  ];
}

function norm(at: string, config: T5Shape): TensorSpec {
  return { name: `${at}.layer_norm.weight`, shape: [config.dModel] };
}

/**
 * The file's tensors under the names of `t5TensorSpecs`, checked against `config`. Data arrays are the caller's
 * (not copied). Every missing, wrong-shaped or unexpected tensor is reported at once (CHECKPOINT_MISMATCH, one
 * line); `file` names the source in errors.
 */
export function loadT5Weights(
  tensors: ReadonlyMap<string, FloatTensor>,
  config: T5Shape,
  file = 'model.safetensors',
): Map<string, FloatTensor> {
  const specs = t5TensorSpecs(config);
  const expected = new Set(specs.map((s) => s.name));
  const embeddings = [SHARED, ...EMBED_ALIASES].filter((name) => tensors.has(name));
  const sharedName = embeddings[0];
  const missing: string[] = [];
  const wrongShape: string[] = [];
  const unexpected: string[] = [];
  const out = new Map<string, FloatTensor>();
  for (const spec of specs) {
    const name = spec.name === SHARED && sharedName !== undefined ? sharedName : spec.name;
    const tensor = tensors.get(name);
    if (tensor === undefined) {
      missing.push(spec.name === SHARED ? `${SHARED} (nor ${EMBED_ALIASES.join(', ')})` : spec.name);
    } else if (!sameShape(tensor.shape, spec.shape)) {
      wrongShape.push(`${name} [${tensor.shape.join(', ')}], config.json says [${spec.shape.join(', ')}]`);
    } else {
      out.set(spec.name, { shape: [...spec.shape], data: tensor.data });
    }
  }
  for (const name of tensors.keys()) {
    const alias = EMBED_ALIASES.includes(name) || (name === HEAD && config.tieWordEmbeddings);
    if (!expected.has(name) && !alias && !IGNORED.has(name)) unexpected.push(name);
  }
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`has no ${listed(missing)}`);
  if (wrongShape.length > 0) problems.push(`has wrong shapes: ${listed(wrongShape)}`);
  if (unexpected.length > 0) problems.push(`has tensors T5ForConditionalGeneration of this config does not: ${listed(unexpected)}`);
  if (problems.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file} ${problems.join('; ')}`,
      { details: { file, missing, wrongShape, unexpected } });
  }
  const shared = out.get(SHARED);
  const copies = [...embeddings.slice(1), ...(config.tieWordEmbeddings && tensors.has(HEAD) ? [HEAD] : [])];
  for (const name of copies) {
    if (shared !== undefined && !sameTensor(tensors.get(name), shared)) {
      const why = name === HEAD ? '; untied output heads need tie_word_embeddings false in config.json' : '';
      throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file} ${name} differs from ${sharedName ?? SHARED}${why}`,
        { details: { file, tensor: name } });
    }
  }
  return out;
}

function listed(items: string[]): string {
  return items.slice(0, 3).join(', ') + (items.length > 3 ? `, … (${items.length} in all)` : '');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameTensor(a: FloatTensor | undefined, b: FloatTensor): boolean {
  return a !== undefined && sameShape(a.shape, b.shape) && a.data.length === b.data.length &&
    (a.data === b.data || a.data.every((v, i) => Object.is(v, b.data[i])));
}
