/**
 * trainers/model/t5.ts against `transformers`: both fixtures (T5: ReLU, tied head; T5 v1.1: gated-GELU, untied
 * head) give T5ForConditionalGeneration's encoder hidden states and decoder logits; the bucket function gives
 * `_relative_position_bucket`'s tables; weights round-trip; one gradient step reaches every parameter and lowers
 * the loss; an encoder mask hides padding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../../trainers/backend/index.ts';
import { loadT5Weights } from '../../../../trainers/checkpoint/t5-tensors.ts';
import { T5 } from '../../../../trainers/model/t5.ts';
import { relativePositionBucket } from '../../../../trainers/model/t5-buckets.ts';
import { tf, type Scalar, type Tensor2D } from '../../../../trainers/tf.ts';
import { ErrorCodes } from '../../../../common/errors.ts';
import { T5_FIXTURE_NAMES, t5FixtureConfig, t5FixtureTensors, t5Reference, type T5FixtureName } from '../checkpoint/t5-helpers.ts';

const TOLERANCE = 1e-4;

function maxAbsDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let max = 0;
  a.forEach((row, i) => {
    assert.equal(row.length, b[i]?.length);
    row.forEach((v, j) => { max = Math.max(max, Math.abs(v - (b[i]?.[j] ?? NaN))); });
  });
  return Number.isNaN(max) ? Infinity : max;
}

async function fixtureModel(name: T5FixtureName, embedding: 'gather' | 'one-hot' = 'gather'): Promise<T5> {
  const config = await t5FixtureConfig(name);
  return new T5(config, loadT5Weights(await t5FixtureTensors(name), config), { embedding });
}

function ids(values: number[][]): Tensor2D {
  return tf.tensor2d(values, [values.length, values[0]?.length ?? 0], 'int32');
}

test('relativePositionBucket gives _relative_position_bucket\'s tables exactly (fixture grid and 32 buckets / 128 wide)', async () => {
  for (const name of T5_FIXTURE_NAMES) {
    const ref = await t5Reference(name);
    for (const bidirectional of [true, false]) {
      const grid = bidirectional ? ref.grid.bidirectional : ref.grid.unidirectional;
      const ours = grid.map((row, q) => row.map((_, k) => relativePositionBucket(k - q, bidirectional, ref.grid.numBuckets, ref.grid.maxDistance)));
      assert.deepEqual(ours, grid, `${name} grid, bidirectional ${bidirectional}`);
      const wide = (bidirectional ? ref.wide.bidirectional : ref.wide.unidirectional)[0];
      const oursWide = ref.wideRelative.map((r) => relativePositionBucket(r, bidirectional, ref.wide.numBuckets, ref.wide.maxDistance));
      assert.deepEqual(oursWide, wide, `${name} wide, bidirectional ${bidirectional}`);
    }
  }
});

for (const name of T5_FIXTURE_NAMES) {
  for (const embedding of ['gather', 'one-hot'] as const) {
    test(`${name} fixture (${embedding}): encoder hidden states and decoder logits match transformers within ${TOLERANCE}`, async (t) => {
      await selectBackend('tensorflow');
      const ref = await t5Reference(name);
      const model = await fixtureModel(name, embedding);
      try {
        const enc = ids([ref.encoderInputIds]);
        const dec = ids([ref.decoderInputIds]);
        const d = model.config.dModel;
        const hidden = tf.tidy(() => model.encode(enc).as2D(ref.encoderInputIds.length, d).arraySync());
        const logits = tf.tidy(() => model.logits(enc, dec).arraySync());
        enc.dispose();
        dec.dispose();
        const hiddenDiff = maxAbsDiff(hidden, ref.encoderLastHiddenState);
        const logitsDiff = maxAbsDiff(logits, ref.logits);
        t.diagnostic(`${name} ${embedding}: max |Δ| hidden ${hiddenDiff.toExponential(2)}, logits ${logitsDiff.toExponential(2)}`);
        assert.ok(hiddenDiff <= TOLERANCE, `encoder hidden states differ by ${hiddenDiff}`);
        assert.ok(logitsDiff <= TOLERANCE, `logits differ by ${logitsDiff}`);
      } finally {
        model.dispose();
      }
    });
  }
}

test('weights() round-trips: the same names, shapes and bytes; a model built from them gives the same logits', async () => {
  await selectBackend('tensorflow');
  for (const name of T5_FIXTURE_NAMES) {
    const config = await t5FixtureConfig(name);
    const loaded = loadT5Weights(await t5FixtureTensors(name), config);
    const model = new T5(config, loaded, { embedding: 'gather' });
    const back = await model.weights();
    assert.deepEqual([...back.keys()], [...loaded.keys()], name);
    for (const [key, w] of loaded) {
      assert.deepEqual(back.get(key)?.shape, w.shape, key);
      assert.deepEqual(back.get(key)?.data, Float32Array.from(w.data), key);
    }
    const again = new T5(config, back, { embedding: 'gather' });
    const enc = ids([[5, 9, 1]]);
    const dec = ids([[0, 4]]);
    const [a, b] = tf.tidy(() => [model.logits(enc, dec).arraySync(), again.logits(enc, dec).arraySync()]);
    assert.deepEqual(a, b, name);
    tf.dispose([enc, dec]);
    model.dispose();
    again.dispose();
  }
});

test('a gradient step gives every parameter a non-zero gradient and lowers lossSum on a fixed batch', async () => {
  await selectBackend('tensorflow');
  for (const name of T5_FIXTURE_NAMES) {
    const model = await fixtureModel(name);
    const enc = ids([[37, 5, 99, 12, 1], [64, 2, 127, 1, 0]]);
    const mask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]], [2, 5], 'int32');
    const dec = ids([[0, 44, 7, 101], [0, 19, 3, 8]]);
    const targets = tf.tensor1d([44, 7, 101, 1, 19, 3, 8, 1], 'int32');
    const weights = tf.tensor1d([1, 1, 1, 1, 1, 1, 1, 0]);
    const loss = (): Scalar => model.lossSum(enc, dec, targets, weights, mask);
    const variables = [...model.params.values()];
    const { value, grads } = tf.variableGrads(loss, variables);
    const before = (await value.data())[0] ?? NaN;
    const zero: string[] = [];
    for (const [param, v] of model.params) {
      const g = grads[v.name];
      assert.ok(g !== undefined, `${name}: no gradient for ${param}`);
      if (((await tf.max(tf.abs(g)).data())[0] ?? 0) === 0) zero.push(param);
    }
    assert.deepEqual(zero, [], `${name}: parameters without gradient`);
    for (const v of variables) {
      const g = grads[v.name];
      if (g !== undefined) v.assign(tf.tidy(() => v.sub(g.mul(0.05))));
    }
    const after = (await tf.tidy(() => loss()).data())[0] ?? NaN;
    assert.ok(Number.isFinite(before) && after < before, `${name}: loss ${before} → ${after}`);
    tf.dispose([value, ...Object.values(grads), enc, mask, dec, targets, weights]);
    model.dispose();
  }
});

test('an encoder mask hides padding: a padded sequence gives the unpadded one\'s logits', async () => {
  await selectBackend('tensorflow');
  for (const name of T5_FIXTURE_NAMES) {
    const model = await fixtureModel(name);
    const short = ids([[37, 5, 99, 1]]);
    const padded = ids([[37, 5, 99, 1, 0, 0]]);
    const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0]], [1, 6], 'int32');
    const dec = ids([[0, 44, 7]]);
    const [a, b] = tf.tidy(() => [model.logits(short, dec).arraySync(), model.logits(padded, dec, mask).arraySync()]);
    assert.ok(maxAbsDiff(a, b) < 1e-5, `${name}: ${maxAbsDiff(a, b)}`);
    tf.dispose([short, padded, mask, dec]);
    model.dispose();
  }
});

test('weights that do not fit the config are CHECKPOINT_MISMATCH', async () => {
  const config = await t5FixtureConfig('t5');
  const weights = loadT5Weights(await t5FixtureTensors('t5'), config);
  weights.delete('decoder.final_layer_norm.weight');
  assert.throws(() => new T5(config, weights, { embedding: 'gather' }), (e: unknown) =>
    e instanceof Error && 'code' in e && e.code === ErrorCodes.CHECKPOINT_MISMATCH);
});
