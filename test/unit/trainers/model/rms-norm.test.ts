/** T5's RMS norm with its hand-written gradient gives the value and the gradients (x and weight) autodiff gives. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../../trainers/backend/index.ts';
import { rmsNorm } from '../../../../trainers/model/rms-norm.ts';
import { tf, type Tensor } from '../../../../trainers/tf.ts';

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  return (await tf.max(tf.abs(a.sub(b))).data())[0] ?? Infinity;
}

const reference = (x: Tensor, g: Tensor, eps: number): Tensor => x.mul(tf.rsqrt(tf.mean(x.square(), -1, true).add(eps))).mul(g);

for (const eps of [1e-6, 0.5]) {
  test(`rmsNorm (eps ${eps}): value and gradients for x and weight equal autodiff through the primitive ops`, async () => {
    await selectBackend('tensorflow');
    const x = tf.randomNormal([3, 5, 16], 0.3, 1.5, 'float32', 1);
    const g = tf.randomNormal([16], 1, 0.5, 'float32', 2);
    const w = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 3);
    assert.ok((await maxDiff(rmsNorm(x, g, eps), reference(x, g, eps))) < 1e-5);
    const loss = (fn: (a: Tensor, b: Tensor) => Tensor) => (a: Tensor, b: Tensor): Tensor => tf.sum(fn(a, b).mul(w));
    const ours = tf.grads(loss((a, b) => rmsNorm(a, b, eps)))([x, g]);
    const auto = tf.grads(loss((a, b) => reference(a, b, eps)))([x, g]);
    for (let i = 0; i < 2; i++) {
      const o = ours[i];
      const a = auto[i];
      assert.ok(o !== undefined && a !== undefined);
      assert.deepEqual(o.shape, a.shape);
      const scale = (await tf.max(tf.abs(a)).data())[0] ?? 1;
      assert.ok(scale > 1e-3, 'the gradient is not trivially zero');
      assert.ok((await maxDiff(o, a)) < 1e-4 * Math.max(1, scale), `gradient ${i}`);
    }
  });
}
