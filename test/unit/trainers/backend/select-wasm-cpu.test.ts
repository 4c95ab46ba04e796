import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from '../../../../trainers/tf.ts';
import { backendCapabilities, selectBackend, type BackendName } from '../../../../trainers/backend/select.ts';

/**
 * A tiny language-model step: one-hot embedding matmul, a projection, softmax cross-entropy against the next
 * token, and the gradients of both weights. Deterministic inputs, so any two backends must agree.
 */
async function tinyStep(): Promise<{ loss: number; gradEmbed: number[]; gradProj: number[] }> {
  const vocab = 7;
  const dim = 5;
  const tokens = tf.tensor1d([1, 4, 2, 6, 0, 3], 'int32');
  const targets = tf.tensor1d([4, 2, 6, 0, 3, 5], 'int32');
  const embed = tf.tensor2d(Array.from({ length: vocab * dim }, (_, i) => Math.sin(i * 0.7) * 0.5), [vocab, dim]);
  const proj = tf.tensor2d(Array.from({ length: dim * vocab }, (_, i) => Math.cos(i * 1.3) * 0.5), [dim, vocab]);
  const lossOf = (e: tf.Tensor, p: tf.Tensor): tf.Scalar => {
    const h = tf.tanh(tf.matMul(tf.oneHot(tokens, vocab), e));
    const logits = tf.matMul(h, p);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, vocab), logits);
  };
  const { value, grads } = tf.valueAndGrads((e: tf.Tensor, p: tf.Tensor) => lossOf(e, p))([embed, proj]);
  const [gradEmbed, gradProj] = grads;
  assert.ok(gradEmbed !== undefined && gradProj !== undefined);
  return {
    loss: (await value.data())[0] ?? Number.NaN,
    gradEmbed: Array.from(await gradEmbed.data()),
    gradProj: Array.from(await gradProj.data()),
  };
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - (expected[i] ?? Number.NaN)) <= tolerance, `[${i}] ${a} vs ${expected[i]}`));
}

async function gatherGradientWorks(): Promise<boolean> {
  try {
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, tf.tensor1d([0, 1, 1], 'int32'))));
    assert.deepEqual(await grad(tf.tensor2d([[1, 2], [3, 4]])).array(), [[1, 1], [2, 2]]);
    return true;
  } catch (error) {
    assert.match(String(error), /UnsortedSegmentSum/);
    return false;
  }
}

test('wasm and cpu compute the same step, and backendCapabilities matches what each can do', async () => {
  const results = new Map<BackendName, Awaited<ReturnType<typeof tinyStep>>>();
  for (const name of ['wasm', 'cpu'] as const) {
    const selected = await selectBackend(name);
    assert.equal(selected.name, name);
    assert.equal(tf.getBackend(), name);
    results.set(name, await tinyStep());
    assert.equal(await gatherGradientWorks(), backendCapabilities(name).gatherGradient, `${name} gather gradient`);
  }
  const wasm = results.get('wasm');
  const cpu = results.get('cpu');
  assert.ok(wasm !== undefined && cpu !== undefined);
  assert.ok(Number.isFinite(cpu.loss) && cpu.loss > 0);
  assertClose([wasm.loss], [cpu.loss], 1e-5);
  assertClose(wasm.gradEmbed, cpu.gradEmbed, 1e-5);
  assertClose(wasm.gradProj, cpu.gradProj, 1e-5);
  assert.ok(cpu.gradProj.some((g) => Math.abs(g) > 1e-3), 'gradients are not all zero');
});
