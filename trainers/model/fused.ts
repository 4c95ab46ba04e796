/**
 * Layer norm and GELU with their gradients written out. Autodiff through their primitive ops records every
 * intermediate and replays each op's gradient, about twice the elementwise passes of the closed forms below;
 * on the CPU those passes over [tokens, d] and [tokens, 4d] tensors are most of a step outside the matmuls.
 *
 * Layer norm: x̂ = (x − μ)·r with r = 1/sqrt(σ² + ε), y = x̂·g + b; with ĝ = dy·g,
 *   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dg = Σ dy·x̂,  db = Σ dy   (sums over every axis but the last).
 * GELU (tanh approximation, "gelu_new"): y = ½x(1 + tanh(c(x + 0.044715x³))), c = sqrt(2/π), computed as
 *   y = x·s with s = sigmoid(2c(x + 0.044715x³)) (the same function, fewer ops); dy/dx = s + x·s(1 − s)·2c(1 + 3·0.044715x²).
 * A tf.tidy inside the forward pass frees nothing while a gradient is being recorded (measured), so fewer ops
 * is also what makes the tape hold less.
 */
import { tf, type Tensor } from '../tf.ts';

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;
const GELU_K1 = 2 * GELU_C;
const GELU_K2 = 2 * GELU_C * GELU_A;

export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps: number): Tensor {
  const f = tf.customGrad((xi, gi, bi, save) => {
    if (!(xi instanceof tf.Tensor) || !(gi instanceof tf.Tensor) || !(bi instanceof tf.Tensor) || typeof save !== 'function') {
      throw new Error('layerNorm called without tensors');
    }
    const centered = xi.sub(tf.mean(xi, -1, true));
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
    // ½(1 + tanh(u)) = sigmoid(2u): y = x·s with s = sigmoid(x(K1 + K2·x²)), six tensors instead of nine.
    const s = tf.sigmoid(xi.mul(xi.square().mul(GELU_K2).add(GELU_K1)));
    save([xi, s]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor => {
      const [x0, s0] = saved;
      if (x0 === undefined || s0 === undefined) throw new Error('gelu saved tensors are missing');
      // dy/dx = s + x·s(1 − s)·(K1 + 3·K2·x²)
      const slope = x0.mul(s0).mul(tf.scalar(1).sub(s0)).mul(x0.square().mul(3 * GELU_K2).add(GELU_K1));
      return dy.mul(s0.add(slope));
    };
    return { value: xi.mul(s), gradFunc };
  });
  return f(x);
}
