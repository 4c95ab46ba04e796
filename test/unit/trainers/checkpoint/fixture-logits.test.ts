/**
 * End to end against `transformers`: the fixture's weights, read by our loader (both namings, F32 and F16) and
 * run through trainers/model/gpt2.ts, give the logits and final hidden states GPT2LMHeadModel computed
 * (test/fixtures/gpt2-tiny/reference.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor2D } from '../../../../trainers/tf.ts';
import { Gpt2 } from '../../../../trainers/model/gpt2.ts';
import { readPretrainedGpt2 } from '../../../../trainers/checkpoint/hf-folder.ts';
import { FIXTURE, ORIGINAL, reference } from './helpers.ts';

function maxAbsDiff(a: number[][], b: number[][]): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, j) => { max = Math.max(max, Math.abs(v - (b[i]?.[j] ?? NaN))); }));
  return Number.isNaN(max) ? Infinity : max;
}

for (const [name, dir, tolerance] of [['F32, transformers naming', FIXTURE, 1e-5], ['F16, original naming', ORIGINAL, 1e-3]] as const) {
  test(`fixture (${name}) through our loader and model gives transformers' logits`, async () => {
    const ref = await reference();
    const { config, weights } = await readPretrainedGpt2(dir);
    const model = new Gpt2(config, weights, { embedding: 'gather' });
    try {
      const ids: Tensor2D = tf.tensor2d([ref.ids], [1, ref.ids.length], 'int32');
      const logits = tf.tidy(() => model.logits(ids).arraySync());
      const hidden = tf.tidy(() => model.hidden(ids).as2D(ref.ids.length, config.dModel).arraySync());
      ids.dispose();
      assert.equal(logits.length, ref.ids.length);
      assert.ok(maxAbsDiff(logits, ref.logits) <= tolerance, `logits differ by ${maxAbsDiff(logits, ref.logits)}`);
      if (dir === FIXTURE) assert.ok(maxAbsDiff(hidden, ref.hidden_after_ln_f) <= tolerance);
    } finally {
      model.dispose();
    }
  });
}
