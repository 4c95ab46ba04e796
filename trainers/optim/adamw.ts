/**
 * AdamW as PyTorch defines it (decoupled weight decay: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + ε)), applied to the
 * variables on the backend with no host round trip. Decay applies to matrices and embeddings only, never to
 * biases or layer-norm gains (the usual rule: parameters of rank < 2 are not decayed; and, as Hugging Face's
 * Trainer has it, nothing whose name says `bias`: T5's relative_attention_bias tables). The moments are plain
 * tensors that a checkpoint saves and a resume restores, so a resumed run takes exactly the same steps.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { tf, type Tensor, type Variable } from '../tf.ts';
import type { FloatTensor } from '../checkpoint/safetensors.ts';
import { floats } from '../model/gpt2.ts';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

export interface Moments {
  /** Updates taken so far (the bias correction's t). */
  step: number;
  /** `<param>.exp_avg` and `<param>.exp_avg_sq`, PyTorch's names for the two moments. */
  tensors: ReadonlyMap<string, FloatTensor>;
}

export class AdamW {
  private readonly params: ReadonlyMap<string, Variable>;
  private readonly config: AdamWConfig;
  private readonly m = new Map<string, Variable>();
  private readonly v = new Map<string, Variable>();
  private t: number;

  constructor(params: ReadonlyMap<string, Variable>, config: AdamWConfig, restored?: Moments) {
    this.params = params;
    this.config = config;
    this.t = restored?.step ?? 0;
    for (const [name, p] of params) {
      this.m.set(name, tf.tidy(() => tf.variable(restoredOrZeros(restored, `${name}.exp_avg`, p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(restoredOrZeros(restored, `${name}.exp_avg_sq`, p), false)));
    }
  }

  /** One update with these gradients (already clipped) at learning rate `lr`. */
  apply(grads: ReadonlyMap<string, Tensor>, lr: number): void {
    this.t += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.config;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        const m = this.m.get(name);
        const v = this.v.get(name);
        if (g === undefined || m === undefined || v === undefined) throw new Error(`no gradient or moment for ${name}`);
        const m1 = m.mul(beta1).add(g.mul(1 - beta1));
        const v1 = v.mul(beta2).add(g.square().mul(1 - beta2));
        m.assign(m1);
        v.assign(v1);
        const update = m1.div(v1.div(c2).sqrt().add(epsilon)).mul(lr / c1);
        const decay = decays(name, p.rank) ? 1 - lr * weightDecay : 1;
        p.assign(decay === 1 ? p.sub(update) : p.mul(decay).sub(update));
      }
    });
  }

  /** The moments as host arrays, for a checkpoint. */
  async snapshot(): Promise<Moments> {
    const tensors = new Map<string, FloatTensor>();
    for (const [name, m] of this.m) tensors.set(`${name}.exp_avg`, { shape: [...m.shape], data: await floats(m) });
    for (const [name, v] of this.v) tensors.set(`${name}.exp_avg_sq`, { shape: [...v.shape], data: await floats(v) });
    return { step: this.t, tensors };
  }

  dispose(): void {
    for (const x of this.m.values()) x.dispose();
    for (const x of this.v.values()) x.dispose();
  }
}

function restoredOrZeros(restored: Moments | undefined, key: string, like: Variable): Tensor {
  if (restored === undefined) return tf.zerosLike(like);
  const saved = restored.tensors.get(key);
  // Zeros in place of a missing moment would change the bias correction without a word: refuse instead.
  if (saved === undefined) throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `optimizer.safetensors has no ${key}`, { details: { key } });
  if (saved.shape.join(',') !== like.shape.join(',')) {
    throw new LaminiError(
      ErrorCodes.CHECKPOINT_INVALID,
      `optimizer.safetensors: ${key} has shape [${saved.shape.join(', ')}], the parameter [${like.shape.join(', ')}]`,
      { details: { key } },
    );
  }
  return tf.tensor(saved.data, [...saved.shape], 'float32');
}

/** Whether weight decay applies: matrices and embeddings, not biases, norm gains or position-bias tables. */
export function decays(name: string, rank: number): boolean {
  return rank >= 2 && !name.includes('bias');
}
