/**
 * One optimizer step over an effective batch given as micro-batches: gradients of each micro-batch are summed
 * (gradient accumulation), the loss is the mean over every counted token of the effective batch (each micro-batch's
 * summed loss is divided by the effective batch's token count, so accumulation gives the same update as one big
 * batch), then global-norm clipping and AdamW. Everything stays on the backend; the caller reads the loss.
 */
import { tf, type Scalar, type Tensor, type Variable } from './tf.ts';
import type { AdamW } from './optim/adamw.ts';
import { clipByGlobalNorm } from './optim/clip.ts';

/** What a step needs of a batch: how many target positions count. */
export interface LossBatch {
  lossTokens: number;
}

/** A model the step can train: its variables and the summed loss of one batch (both families; runtime.ts). */
export interface Trainable<B extends LossBatch> {
  readonly params: ReadonlyMap<string, Variable>;
  batchLossSum(batch: B): Scalar;
}

export interface StepResult {
  /** Mean loss per counted token (nats). */
  loss: Scalar;
  /** Gradient norm before clipping. */
  gradNorm: Scalar;
}

export function trainStep<B extends LossBatch>(model: Trainable<B>, optimizer: AdamW, micro: readonly B[], lr: number, maxGradNorm: number): StepResult {
  const counted = micro.reduce((n, b) => n + b.lossTokens, 0);
  if (counted === 0) throw new Error('a training step needs at least one counted token');
  const vars = [...model.params.values()];
  // Running sums, each micro-batch's gradients freed once added: memory stays at one batch's activations plus
  // two copies of the parameters, however many micro-batches accumulate.
  let sum: Map<string, Tensor> | undefined;
  let loss: Scalar = tf.scalar(0);
  for (const b of micro) {
    const { value, grads } = tf.variableGrads(() => model.batchLossSum(b).div<Scalar>(counted), vars);
    const total = loss.add<Scalar>(value);
    loss.dispose();
    value.dispose();
    loss = total;
    const next = new Map<string, Tensor>();
    for (const [name, v] of model.params) {
      const g = grads[v.name];
      if (g === undefined) throw new Error(`no gradient for ${name}`);
      const before = sum?.get(name);
      if (before === undefined) next.set(name, g);
      else {
        next.set(name, before.add(g));
        before.dispose();
        g.dispose();
      }
    }
    sum = next;
  }
  if (sum === undefined) throw new Error('a training step needs a micro-batch');
  const grads = sum;
  const gradNorm = tf.tidy(() => {
    const clipped = clipByGlobalNorm(grads, maxGradNorm);
    optimizer.apply(clipped.grads, lr);
    return clipped.norm;
  });
  for (const g of grads.values()) g.dispose();
  return { loss, gradNorm };
}

/** Mean loss per counted token over these batches, without gradients. */
export async function evalLoss<B extends LossBatch>(model: Trainable<B>, batches: readonly B[]): Promise<number> {
  let total = 0;
  let counted = 0;
  for (const b of batches) {
    if (b.lossTokens === 0) continue;
    const sum = tf.tidy(() => model.batchLossSum(b));
    total += (await sum.data())[0] ?? 0;
    sum.dispose();
    counted += b.lossTokens;
  }
  return counted === 0 ? Number.NaN : total / counted;
}
