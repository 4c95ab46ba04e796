/**
 * Global-norm gradient clipping (PyTorch's clip_grad_norm_): every gradient is scaled by
 * min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the norm of all gradients together. Stays on the backend; the norm
 * comes back as a tensor that the caller reads only when it logs.
 */
import { tf, type Scalar, type Tensor } from '../tf.ts';

export function clipByGlobalNorm(grads: ReadonlyMap<string, Tensor>, maxNorm: number): { grads: Map<string, Tensor>; norm: Scalar } {
  const squares = [...grads.values()].map((g) => tf.sum<Scalar>(g.square()));
  const norm = tf.sqrt<Scalar>(tf.addN(squares));
  const scale = tf.minimum(tf.scalar(1), tf.div(maxNorm, norm.add(1e-6)));
  const clipped = new Map<string, Tensor>();
  for (const [name, g] of grads) clipped.set(name, g.mul(scale));
  return { grads: clipped, norm };
}
