/**
 * Layer norm and GELU with their gradients written out. Autodiff through their primitive ops records every
 * intermediate and replays each op's gradient, about twice the elementwise passes of the closed forms below;
 * on the CPU those passes over [tokens, d] and [tokens, 4d] tensors are most of a step outside the matmuls.
 *
 * Layer norm: x̂ = (x − μ)·r with r = 1/sqrt(σ² + ε), y = x̂·g + b; with ĝ = dy·g,
 *   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dg = Σ dy·x̂,  db = Σ dy   (sums over every axis but the last).
 * GELU (tanh approximation, "gelu_new"): y = ½x(1 + t), t = tanh(c(x + 0.044715x³)), c = sqrt(2/π);
 *   dy/dx = ½(1 + t) + ½x(1 − t²)·c(1 + 3·0.044715x²).
 */
import { tf, type Tensor } from '../tf.ts';

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps: number): Tensor {
  const f = tf.customGrad((xi, gi, bi, save) => {
    if (!(xi instanceof tf.Tensor) || !(gi instanceof tf.Tensor) || !(bi instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('layerNorm called without tensors');
    }
    const mean = tf.mean(xi, -1, true);
    const centered = xi.sub(mean);
    const rstd = tf.rsqrt(tf.mean(centered.square(), -1, true).add(eps));
    const normed = centered.mul(rstd);
    save([normed, rstd, gi]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const [xhat, r, g] = saved;
      if (xhat === undefined || r === undefined || g === undefined) throw new Error('layerNorm saved tensors are missing');
      const d = xhat.shape[xhat.shape.length - 1] ?? 1;
      const dxhat = dy.mul(g);
      const dx = dxhat.sub(tf.mean(dxhat, -1, true)).sub(xhat.mul(tf.mean(dxhat.mul(xhat), -1, true))).mul(r);
      const dg = tf.sum(dy.mul(xhat).reshape([-1, d]), 0);
      const db = tf.sum(dy.reshape([-1, d]), 0);
      return [dx, dg, db];
    };
    return { value: normed.mul(gi).add(bi), gradFunc };
  });
  return f(x, gain, bias);
}

export function gelu(x: Tensor): Tensor {
  const f = tf.customGrad((xi, save) => {
    if (!(xi instanceof tf.Tensor) || typeof save !== 'function') throw new Error('gelu called without a tensor');
    const t = tf.tanh(xi.add(xi.mul(xi).mul(xi).mul(GELU_A)).mul(GELU_C));
    save([xi, t]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor => {
      const [x0, t0] = saved;
      if (x0 === undefined || t0 === undefined) throw new Error('gelu saved tensors are missing');
      const half = t0.add(1).mul(0.5);
      const slope = x0.mul(0.5).mul(tf.scalar(1).sub(t0.square())).mul(x0.square().mul(3 * GELU_A).add(1).mul(GELU_C));
      return dy.mul(half.add(slope));
    };
    return { value: xi.mul(t.add(1)).mul(0.5), gradFunc };
  });
  return f(x);
}
