/** Layer norm, GELU and the token cross-entropy with hand-written gradients give the values and gradients autodiff gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../trainers/backend/index.ts';
import { crossEntropySum } from '../../../trainers/model/cross-entropy.ts';
import { gelu, layerNorm } from '../../../trainers/model/fused.ts';
import { tf, type Tensor } from '../../../trainers/tf.ts';

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  const d = tf.max(tf.abs(a.sub(b)));
  return (await d.data())[0] ?? Infinity;
}

function seeded(shape: number[], seed: number): Tensor {
  return tf.randomNormal(shape, 0, 1.5, 'float32', seed);
}

test('layerNorm: value and gradients for x, gain and bias equal autodiff through the primitive ops', async () => {
  await selectBackend('tensorflow');
  const x = seeded([3, 5, 16], 1);
  const g = seeded([16], 2);
  const b = seeded([16], 3);
  const w = seeded([3, 5, 16], 4);
  const reference = (xi: Tensor, gi: Tensor, bi: Tensor): Tensor => {
    const { mean, variance } = tf.moments(xi, -1, true);
    return xi.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(gi).add(bi);
  };
  const loss = (fn: (a: Tensor, b: Tensor, c: Tensor) => Tensor) => (xi: Tensor, gi: Tensor, bi: Tensor): Tensor => tf.sum(fn(xi, gi, bi).mul(w));
  assert.ok((await maxDiff(layerNorm(x, g, b, 1e-5), reference(x, g, b))) < 1e-5);
  const ours = tf.grads(loss((a, c, d) => layerNorm(a, c, d, 1e-5)))([x, g, b]);
  const auto = tf.grads(loss(reference))([x, g, b]);
  for (let i = 0; i < 3; i++) {
    const o = ours[i];
    const a = auto[i];
    assert.ok(o !== undefined && a !== undefined);
    assert.deepEqual(o.shape, a.shape);
    assert.ok((await maxDiff(o, a)) < 1e-4, `gradient ${i}`);
  }
});

test('gelu: value and gradient equal autodiff of 0.5 x (1 + tanh(c (x + 0.044715 x^3)))', async () => {
  await selectBackend('tensorflow');
  const x = seeded([7, 33], 5);
  const reference = (xi: Tensor): Tensor => xi.mul(tf.tanh(xi.add(xi.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1)).mul(0.5);
  assert.ok((await maxDiff(gelu(x), reference(x))) < 1e-5);
  const ours = tf.grad((xi: Tensor) => tf.sum(gelu(xi).square()))(x);
  const auto = tf.grad((xi: Tensor) => tf.sum(reference(xi).square()))(x);
  assert.ok((await maxDiff(ours, auto)) < 1e-4);
});

test('cross-entropy (native SparseSoftmaxCrossEntropyWithLogits on tensorflow): value and gradient equal autodiff of the formula', async () => {
  await selectBackend('tensorflow');
  const logits = seeded([6, 11], 6);
  const targets = tf.tensor1d([0, 3, 10, 5, 5, 1], 'int32');
  const weights = tf.tensor1d([1, 0, 1, 1, 0.5, 1]);
  const reference = (z: Tensor): Tensor => tf.sum(tf.logSumExp(z, 1).sub(tf.sum(z.mul(tf.oneHot(targets, 11)), 1)).mul(weights));
  assert.ok((await maxDiff(crossEntropySum(logits.as2D(6, 11), targets, weights), reference(logits))) < 1e-5);
  const ours = tf.grad((z: Tensor) => crossEntropySum(z.as2D(6, 11), targets, weights).mul(3))(logits);
  const auto = tf.grad((z: Tensor) => reference(z).mul(3))(logits);
  assert.ok((await maxDiff(ours, auto)) < 1e-5);
});
