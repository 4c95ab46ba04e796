/**
 * A GPT-2 student in TensorFlow.js, op for op what Hugging Face's `modeling_gpt2.py` computes, so that weights
 * move between the two unchanged: pre-layer-norm blocks, fused q/k/v projection stored as Conv1D ([in, out]),
 * scores scaled by 1/sqrt(head size), GELU with the tanh approximation ("gelu_new"), learned positions, a final
 * layer norm and an output head tied to the token embedding. Parameters are variables named by their Hugging Face
 * state-dict names (`transformer.h.0.attn.c_attn.weight`, …). No dropout: training stays a pure function of the
 * weights, the optimizer state and the batch, which is what exact resumption rests on.
 */
import { tf, type Scalar, type Tensor, type Tensor2D, type Variable } from '../tf.ts';
import { crossEntropySum } from './cross-entropy.ts';
import { gelu, layerNorm } from './fused.ts';
import type { FloatTensor, FloatTensors } from '../checkpoint/safetensors.ts';
import type { ModelShape } from './shape.ts';
import type { Batch } from '../batch.ts';

export interface Gpt2Options {
  /**
   * How the embedding is looked up: `gather` (a real gather; its gradient needs UnsortedSegmentSum) or
   * `one-hot` (a one-hot matmul, for backends without that kernel, such as wasm).
   */
  embedding: 'gather' | 'one-hot';
}


export class Gpt2 {
  readonly shape: ModelShape;
  readonly params: ReadonlyMap<string, Variable>;
  private readonly options: Gpt2Options;
  private mask: Tensor2D | undefined;

  constructor(shape: ModelShape, weights: FloatTensors, options: Gpt2Options) {
    this.shape = shape;
    this.options = options;
    const params = new Map<string, Variable>();
    for (const [name, w] of weights) {
      // Engine-unique variable names: two students (or a test's two models) can live in one process. The tidy
      // frees the initial tensor (the variable holds its own reference to the data).
      params.set(name, tf.tidy(() => tf.variable(tf.tensor(w.data, [...w.shape], 'float32'), true)));
    }
    this.params = params;
  }

  /** The weights as host arrays, under their Hugging Face names. */
  async weights(): Promise<Map<string, FloatTensor>> {
    const out = new Map<string, FloatTensor>();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: await floats(v) });
    return out;
  }

  /** Logits for every position: ids [batch, time] → [batch × time, vocab]. */
  logits(ids: Tensor2D): Tensor2D {
    const [batch, time] = ids.shape;
    const h = this.hidden(ids);
    const logits = tf.matMul(h.reshape([batch * time, this.shape.dModel]), this.p('transformer.wte.weight'), false, true);
    return logits.as2D(batch * time, this.shape.vocabSize);
  }

  /** Logits of the token after the last position of a single sequence: ids [1, time] → [vocab]. */
  nextLogits(ids: Tensor2D): Tensor {
    const [, time] = ids.shape;
    const last = this.hidden(ids).slice([0, time - 1, 0], [1, 1, this.shape.dModel]).reshape([1, this.shape.dModel]);
    return tf.matMul(last, this.p('transformer.wte.weight'), false, true).reshape([this.shape.vocabSize]);
  }

  /**
   * Summed negative log-likelihood of `targets` (int32 [batch × time]) weighted by `weights` (float32, 0 where a
   * position does not count: the prompt and the padding).
   */
  lossSum(ids: Tensor2D, targets: Tensor, weights: Tensor): Scalar {
    return crossEntropySum(this.logits(ids), targets, weights);
  }

  /** Summed loss of a batch's counted positions (the trainer's `Trainable`). */
  batchLossSum(b: Batch): Scalar {
    const ids = tf.tensor2d(b.ids, [b.rows, b.time], 'int32');
    return this.lossSum(ids, tf.tensor1d(b.targets, 'int32'), tf.tensor1d(b.weights, 'float32'));
  }

  /** The final layer-normed hidden states, [batch, time, dModel]. */
  hidden(ids: Tensor2D): Tensor {
    const [batch, time] = ids.shape;
    const d = this.shape.dModel;
    const tokens = this.embed(ids.reshape([batch * time]));
    const positions = this.p('transformer.wpe.weight').slice([0, 0], [time, d]);
    let x: Tensor = tokens.reshape([batch, time, d]).add(positions);
    for (let i = 0; i < this.shape.layers; i++) x = this.block(x, i, batch, time);
    return this.layerNorm(x, 'transformer.ln_f');
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.mask?.dispose();
    this.mask = undefined;
  }

  private block(x: Tensor, i: number, batch: number, time: number): Tensor {
    const at = `transformer.h.${i}`;
    const d = this.shape.dModel;
    const rows = batch * time;
    const a = this.attention(this.layerNorm(x, `${at}.ln_1`).reshape([rows, d]), at, batch, time);
    x = x.add(a.reshape([batch, time, d]));
    const m = this.linear(this.layerNorm(x, `${at}.ln_2`).reshape([rows, d]), `${at}.mlp.c_fc`);
    const out = this.linear(gelu(m), `${at}.mlp.c_proj`);
    return x.add(out.reshape([batch, time, d]));
  }

  private attention(x: Tensor, at: string, batch: number, time: number): Tensor {
    const heads = this.shape.heads;
    const size = this.shape.dModel / heads;
    // [rows, 3d] → q, k, v, each [batch, heads, time, size]
    const [q, k, v] = tf.split(this.linear(x, `${at}.attn.c_attn`), 3, 1).map((t) =>
      t.reshape([batch, time, heads, size]).transpose([0, 2, 1, 3]),
    );
    if (q === undefined || k === undefined || v === undefined) throw new Error('split gave fewer than 3 tensors');
    const scores = tf.matMul(q.mul(1 / Math.sqrt(size)), k, false, true).add(this.causalMask(time));
    const mixed = tf.matMul(tf.softmax(scores), v); // [batch, heads, time, size]
    const merged = mixed.transpose([0, 2, 1, 3]).reshape([batch * time, this.shape.dModel]);
    return this.linear(merged, `${at}.attn.c_proj`);
  }

  private linear(x: Tensor, at: string): Tensor {
    return tf.fused.matMul({ a: x, b: this.p(`${at}.weight`), bias: this.p(`${at}.bias`) });
  }

  private layerNorm(x: Tensor, at: string): Tensor {
    return layerNorm(x, this.p(`${at}.weight`), this.p(`${at}.bias`), this.shape.layerNormEps);
  }

  private embed(flatIds: Tensor): Tensor {
    const wte = this.p('transformer.wte.weight');
    if (this.options.embedding === 'gather') return tf.gather(wte, flatIds);
    return tf.matMul(tf.oneHot(flatIds.toInt(), this.shape.vocabSize), wte);
  }

  /** [time, time]: 0 on and below the diagonal, a large negative number above; one full-context mask, sliced. */
  private causalMask(time: number): Tensor2D {
    if (this.mask === undefined) {
      const n = this.shape.context;
      const values = new Float32Array(n * n);
      for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) values[r * n + c] = -1e9;
      this.mask = tf.keep(tf.tensor2d(values, [n, n]));
    }
    return this.mask.slice([0, 0], [time, time]);
  }

  private p(name: string): Tensor {
    const v = this.params.get(name);
    if (v === undefined) throw new Error(`GPT-2 parameter ${name} is missing`);
    return v;
  }
}

export async function floats(t: Tensor): Promise<Float32Array> {
  const data = await t.data();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
