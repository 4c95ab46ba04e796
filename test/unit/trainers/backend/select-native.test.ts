import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tf } from '../../../../trainers/tf.ts';
import { nativeTensorflowInstalled } from '../../../../trainers/backend/native-install.ts';
import { backendCapabilities, selectBackend } from '../../../../trainers/backend/select.ts';

const skip = nativeTensorflowInstalled() ? false : 'native TensorFlow is not set up here (run: node scripts/install-tensorflow.ts)';

function libtensorflowMapped(): boolean {
  return readFileSync('/proc/self/maps', 'utf8').includes('libtensorflow_cc.so.2');
}

test('native tfjs-node loads, runs a matMul and a gradient, and reports its name', { skip }, async () => {
  assert.equal(libtensorflowMapped(), false, 'importing the selector loads no native library');
  const selected = await selectBackend('tensorflow', { threads: 2 });
  assert.equal(selected.name, 'tensorflow');
  assert.equal(tf.getBackend(), 'tensorflow');
  assert.match(selected.detail, /tfjs-node 4\.22\.0 on .*tensorflow\/2\.21\.0\/lib/);
  assert.equal(libtensorflowMapped(), true);
  assert.notEqual(process.env['TF_CPP_MIN_LOG_LEVEL'], undefined);

  const a = tf.tensor2d([[1, 2], [3, 4]]);
  assert.deepEqual(await tf.matMul(a, a).array(), [[7, 10], [15, 22]]);
  const dSquare = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)));
  assert.deepEqual(await dSquare(tf.tensor1d([1, 2, 3])).array(), [2, 4, 6]);

  assert.equal(backendCapabilities('tensorflow').gatherGradient, true);
  const dGather = tf.grad((x: tf.Tensor) => tf.sum(tf.gather(x, tf.tensor1d([0, 1, 1], 'int32'))));
  assert.deepEqual(await dGather(a).array(), [[1, 1], [2, 2]]);
});

test('auto picks native when it is set up, without mentioning an absent tfjs-node-gpu', { skip }, async () => {
  const selected = await selectBackend('auto', { gpuVisible: () => false });
  assert.equal(selected.name, 'tensorflow');
  assert.doesNotMatch(selected.detail, /tfjs-node-gpu/);
});
