/**
 * T5's RMS norm with its gradient written out: y = x·r·g with r = 1/sqrt(mean(x²) + ε) over the last axis (no
 * mean subtracted, no bias). With x̂ = x·r and ĝ = dy·g:
 *   dx = r·(ĝ − x̂·mean(ĝ·x̂)),   dg = Σ dy·x̂   (summed over every axis but the last).
 * Autodiff through square → mean → add → rsqrt → mul → mul records each intermediate and replays each op's
 * gradient; the closed form keeps two tensors (x̂, r) and takes a third of the passes (test/unit/trainers/rms-norm).
 */
import { tf, type Tensor } from '../tf.ts';

export function rmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  const f = tf.customGrad((xi, gi, save) => {
    if (!(xi instanceof tf.Tensor) || !(gi instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('rmsNorm called without tensors');
    }
    const r = tf.rsqrt(tf.mean(xi.square(), -1, true).add(eps));
    const normed = xi.mul(r);
    save([normed, r, gi]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [xhat, r0, g] = saved;
      if (xhat === undefined || r0 === undefined || g === undefined) throw new Error('rmsNorm saved tensors are missing');
      const d = xhat.shape[xhat.shape.length - 1] ?? 1;
      const dxhat = dy.mul(g);
      const dx = dxhat.sub(xhat.mul(tf.mean(dxhat.mul(xhat), -1, true))).mul(r0);
      const dg = tf.sum(dy.mul(xhat).reshape([-1, d]), 0);
      return [dx, dg];
    };
    return { value: normed.mul(gi), gradFunc };
  });
  return f(x, weight);
}
