/**
 * An encoder-decoder (T5) student in TensorFlow.js, op for op what Hugging Face's `modeling_t5.py` computes, so
 * that weights move between the two unchanged. Both variants: T5 (feed-forward `wo(relu(wi x))`, output head tied
 * to `shared` with the decoder output scaled by d_model^-0.5 first) and T5 v1.1 / Flan-T5 (`wo(gelu_new(wi_0 x) ·
 * wi_1 x)`, untied `lm_head`, no scaling). Every sub-layer is pre-norm with a residual: RMS norm (weight only, no
 * mean, no bias), attention without 1/sqrt(d_kv) scaling, heads of size d_kv (inner size heads × d_kv). A
 * relative-position bias, one [buckets, heads] table per stack held by block 0 (bidirectional buckets in the
 * encoder, past-only in the decoder, t5-buckets.ts), is added to every self-attention score of its stack;
 * cross-attention has none. The decoder's self-attention is causal; an optional encoder mask (1 keep, 0 pad) hides
 * padded encoder positions from the encoder and from cross-attention. Parameters are variables named by their
 * Hugging Face state-dict names (t5-tensors.ts). No dropout: training stays a pure function of weights and batch.
 */
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../tf.ts';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { t5TensorSpecs } from '../checkpoint/t5-tensors.ts';
import { crossEntropySum } from './cross-entropy.ts';
import { gelu } from './fused.ts';
import { rmsNorm } from './rms-norm.ts';
import { floats } from './gpt2.ts';
import { relativePositionBuckets } from './t5-buckets.ts';
import type { FloatTensor, FloatTensors } from '../checkpoint/safetensors.ts';
import type { T5Config } from '../checkpoint/t5-config.ts';
import type { Seq2SeqBatch } from '../seq2seq-batch.ts';

export interface T5Options {
  /**
   * How embeddings and position tables are looked up: `gather` (its gradient needs UnsortedSegmentSum) or
   * `one-hot` (a one-hot matmul, for backends without that kernel, such as wasm).
   */
  embedding: 'gather' | 'one-hot';
}

/** Added to a score to hide it: exp underflows to exactly 0, as with transformers' finfo(float32).min. */
const HIDDEN = -1e9;

export class T5 {
  readonly config: T5Config;
  readonly params: ReadonlyMap<string, Variable>;
  private readonly options: T5Options;
  /** Kept constants, one per shape: bucket indices and causal masks. */
  private readonly constants = new Map<string, Tensor>();

  constructor(config: T5Config, weights: FloatTensors, options: T5Options) {
    this.config = config;
    this.options = options;
    const problems: string[] = [];
    for (const spec of t5TensorSpecs(config)) {
      const w = weights.get(spec.name);
      if (w === undefined) problems.push(`no ${spec.name}`);
      else if (w.shape.join(',') !== spec.shape.join(',')) problems.push(`${spec.name} is [${w.shape.join(', ')}], not [${spec.shape.join(', ')}]`);
    }
    if (problems.length > 0) {
      throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `T5 weights do not fit the config: ${problems.slice(0, 3).join('; ')}` +
        (problems.length > 3 ? `; … (${problems.length} in all)` : ''), { details: { problems } });
    }
    const params = new Map<string, Variable>();
    for (const spec of t5TensorSpecs(config)) {
      const w = weights.get(spec.name);
      // Engine-unique variable names: two students (or a test's two models) can live in one process.
      if (w !== undefined) params.set(spec.name, tf.variable(tf.tensor(w.data, [...w.shape], 'float32'), true));
    }
    this.params = params;
  }

  /** The weights as host arrays, under their Hugging Face names. */
  async weights(): Promise<Map<string, FloatTensor>> {
    const out = new Map<string, FloatTensor>();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: await floats(v) });
    return out;
  }

  /** The encoder's final (normed) hidden states: ids [batch, time] → [batch, time, dModel]. */
  encode(ids: Tensor2D, mask?: Tensor2D): Tensor {
    const [batch, time] = ids.shape;
    const keys = this.keyMask(mask);
    let bias = this.positionBias('encoder', time, time, true);
    if (keys !== undefined) bias = bias.add(keys);
    let x = this.embed(ids);
    for (let i = 0; i < this.config.numLayers; i++) {
      const at = `encoder.block.${i}.layer`;
      x = x.add(this.attention(this.norm(x, `${at}.0`), undefined, `${at}.0.SelfAttention`, batch, time, time, bias));
      x = x.add(this.feedForward(this.norm(x, `${at}.1`), `${at}.1`));
    }
    return this.norm(x, 'encoder').reshape([batch, time, this.config.dModel]);
  }

  /**
   * The decoder's final (normed) hidden states, before the head: decoder ids [batch, decTime] and the encoder's
   * output [batch, encTime, dModel] → [batch, decTime, dModel].
   */
  decode(ids: Tensor2D, encoded: Tensor, encoderMask?: Tensor2D): Tensor {
    const [batch, time] = ids.shape;
    const encTime = encoded.shape[1] ?? 0;
    const memory = encoded.reshape([batch * encTime, this.config.dModel]);
    const self = this.positionBias('decoder', time, time, false).add(this.causalMask(time));
    const cross = this.keyMask(encoderMask);
    let x = this.embed(ids);
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      const at = `decoder.block.${i}.layer`;
      x = x.add(this.attention(this.norm(x, `${at}.0`), undefined, `${at}.0.SelfAttention`, batch, time, time, self));
      x = x.add(this.attention(this.norm(x, `${at}.1`), memory, `${at}.1.EncDecAttention`, batch, time, encTime, cross));
      x = x.add(this.feedForward(this.norm(x, `${at}.2`), `${at}.2`));
    }
    return this.norm(x, 'decoder').reshape([batch, time, this.config.dModel]);
  }

  /** Logits for every decoder position: [batch, encTime] and [batch, decTime] ids → [batch × decTime, vocab]. */
  logits(encoderIds: Tensor2D, decoderIds: Tensor2D, encoderMask?: Tensor2D): Tensor2D {
    return this.decoderLogits(decoderIds, this.encode(encoderIds, encoderMask), encoderMask);
  }

  /** Logits for every decoder position given the encoder's output (`encode`): → [batch × decTime, vocab]. */
  decoderLogits(decoderIds: Tensor2D, encoded: Tensor, encoderMask?: Tensor2D): Tensor2D {
    const [batch, time] = decoderIds.shape;
    return this.head(this.decode(decoderIds, encoded, encoderMask).reshape([batch * time, this.config.dModel]));
  }

  /** The output head on decoder rows [n, dModel] → [n, vocab]; a tied head scales the rows by dModel^-0.5 first. */
  head(rows: Tensor): Tensor2D {
    const n = rows.shape[0] ?? 0;
    const h = this.config.tieWordEmbeddings ? rows.mul(this.config.dModel ** -0.5) : rows;
    const weight = this.p(this.config.tieWordEmbeddings ? 'shared.weight' : 'lm_head.weight');
    return tf.matMul(h, weight, false, true).as2D(n, this.config.vocabSize);
  }

  /**
   * Summed negative log-likelihood of `targets` (int32 [batch × decTime], the decoder ids shifted left) weighted
   * by `weights` (float32, 0 where a position does not count: the padding).
   */
  lossSum(encoderIds: Tensor2D, decoderIds: Tensor2D, targets: Tensor, weights: Tensor, encoderMask?: Tensor2D): Scalar {
    return crossEntropySum(this.logits(encoderIds, decoderIds, encoderMask), targets, weights);
  }

  /** Summed loss of a batch's counted decoder positions (the trainer's `Trainable`). */
  batchLossSum(b: Seq2SeqBatch): Scalar {
    return this.lossSum(
      tf.tensor2d(b.encoderIds, [b.rows, b.encoderTime], 'int32'),
      tf.tensor2d(b.decoderIds, [b.rows, b.decoderTime], 'int32'),
      tf.tensor1d(b.targets, 'int32'),
      tf.tensor1d(b.weights, 'float32'),
      tf.tensor2d(b.encoderMask, [b.rows, b.encoderTime], 'float32'),
    );
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const c of this.constants.values()) c.dispose();
    this.constants.clear();
  }

  /** Multi-head attention of rows x [batch × qTime, d] over kv (x itself when undefined) → [batch × qTime, d]. */
  private attention(x: Tensor, kv: Tensor | undefined, at: string, batch: number, qTime: number, kTime: number, bias: Tensor | undefined): Tensor {
    const { numHeads: heads, dKv: size } = this.config;
    const split = (t: Tensor, time: number): Tensor => t.reshape([batch, time, heads, size]).transpose([0, 2, 1, 3]);
    const source = kv ?? x;
    const q = split(this.linear(x, `${at}.q`), qTime);
    const k = split(this.linear(source, `${at}.k`), kTime);
    const v = split(this.linear(source, `${at}.v`), kTime);
    let scores = tf.matMul(q, k, false, true); // [batch, heads, qTime, kTime], not scaled
    if (bias !== undefined) scores = scores.add(bias);
    const mixed = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([batch * qTime, heads * size]);
    return this.linear(mixed, `${at}.o`);
  }

  private feedForward(x: Tensor, at: string): Tensor {
    const ff = `${at}.DenseReluDense`;
    const inner = this.config.feedForwardProj === 'gated-gelu'
      ? gelu(this.linear(x, `${ff}.wi_0`)).mul(this.linear(x, `${ff}.wi_1`))
      : tf.relu(this.linear(x, `${ff}.wi`));
    return this.linear(inner, `${ff}.wo`);
  }

  /** nn.Linear without bias: weight [out, in]. */
  private linear(x: Tensor, at: string): Tensor {
    return tf.matMul(x, this.p(`${at}.weight`), false, true);
  }

  /** T5's RMS norm: x · rsqrt(mean(x²) + eps) · weight, no mean subtracted, no bias. `at` is `…layer.{j}` or a stack. */
  private norm(x: Tensor, at: string): Tensor {
    const name = at.includes('.layer.') ? `${at}.layer_norm.weight` : `${at}.final_layer_norm.weight`;
    return rmsNorm(x, this.p(name), this.config.layerNormEps);
  }

  /** Token rows [batch × time, d] of `shared`. */
  private embed(ids: Tensor2D): Tensor {
    return this.lookup(this.p('shared.weight'), ids.reshape([ids.shape[0] * ids.shape[1]]), this.config.vocabSize);
  }

  private lookup(table: Tensor, indices: Tensor, rows: number): Tensor {
    if (this.options.embedding === 'gather') return tf.gather(table, indices);
    return tf.matMul(tf.oneHot(indices.toInt(), rows), table);
  }

  /** [1, heads, qTime, kTime]: the stack's block-0 table looked up at each (query, key) bucket. */
  private positionBias(stack: 'encoder' | 'decoder', qTime: number, kTime: number, bidirectional: boolean): Tensor {
    const { relativeAttentionNumBuckets: n, relativeAttentionMaxDistance: max, numHeads } = this.config;
    const buckets = this.constant(`buckets ${bidirectional} ${qTime} ${kTime}`, () =>
      tf.tensor1d(relativePositionBuckets(qTime, kTime, bidirectional, n, max), 'int32'));
    const table = this.p(`${stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight`);
    return this.lookup(table, buckets, n).reshape([qTime, kTime, numHeads]).transpose([2, 0, 1]).expandDims(0);
  }

  /** [batch, 1, 1, kTime] from a [batch, kTime] mask (1 attend, 0 hide), or nothing without one. */
  private keyMask(mask: Tensor2D | undefined): Tensor | undefined {
    if (mask === undefined) return undefined;
    const [batch, time] = mask.shape;
    return tf.scalar(1).sub(mask.toFloat()).mul(HIDDEN).reshape([batch, 1, 1, time]);
  }

  /** [time, time]: 0 on and below the diagonal, hidden above. */
  private causalMask(time: number): Tensor {
    return this.constant(`causal ${time}`, () => {
      const values = new Float32Array(time * time);
      for (let r = 0; r < time; r++) for (let c = r + 1; c < time; c++) values[r * time + c] = HIDDEN;
      return tf.tensor2d(values, [time, time]);
    });
  }

  private constant(key: string, make: () => Tensor): Tensor {
    let t = this.constants.get(key);
    if (t === undefined) {
      t = tf.keep(tf.tidy(make));
      this.constants.set(key, t);
    }
    return t;
  }

  private p(name: string): Tensor {
    const v = this.params.get(name);
    if (v === undefined) throw new Error(`T5 parameter ${name} is missing`);
    return v;
  }
}
