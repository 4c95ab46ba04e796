/**
 * The memory estimate printed before training: parameter counts of every preset against the presets' tensor
 * shapes (and transformers' num_parameters() where measured), the parts' arithmetic, and the one-line refusal
 * when the machine cannot hold a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { isLaminiError, ErrorCodes } from '../../../common/errors.ts';
import { gpt2TensorSpecs } from '../../../trainers/checkpoint/gpt2-tensors.ts';
import { t5TensorSpecs } from '../../../trainers/checkpoint/t5-tensors.ts';
import { estimateTrainingMemory, fittingBatch, gpt2MemoryShape, t5MemoryShape } from '../../../trainers/memory.ts';
import { PRESETS } from '../../../trainers/model/shape.ts';
import { T5_STUDENT_PRESETS } from '../../../trainers/presets.ts';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, tempDir, trainOptions } from './train-helpers.ts';

const elements = (specs: { shape: number[] }[]): number => specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

/** GPT2LMHeadModel(GPT2Config(...)).num_parameters(): gpt2 and gpt2-medium measured with transformers 4.45.2, large and xl as their model cards give them. */
const GPT2_PARAMETERS = { gpt2: 124_439_808, 'gpt2-medium': 354_823_168, 'gpt2-large': 774_030_080, 'gpt2-xl': 1_557_611_200 } as const;

test('every preset\'s parameter count is the sum of its tensor shapes (and transformers\' count for the GPT-2 sizes)', () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    const shape = gpt2MemoryShape(preset.shape);
    assert.equal(shape.parameters, elements(gpt2TensorSpecs(preset.shape)), name);
  }
  for (const [name, count] of Object.entries(GPT2_PARAMETERS)) {
    const preset = Object.entries(PRESETS).find(([n]) => n === name)?.[1];
    assert.ok(preset !== undefined);
    assert.equal(gpt2MemoryShape(preset.shape).parameters, count, name);
  }
  for (const [name, preset] of Object.entries(T5_STUDENT_PRESETS)) {
    assert.equal(t5MemoryShape(preset.config).parameters, elements(t5TensorSpecs(preset.config)), name);
  }
});

test('weights, gradients and AdamW moments are 4, 4 (8 while accumulating) and 8 bytes a parameter; activations scale with the batch', () => {
  const shape = t5MemoryShape(T5_STUDENT_PRESETS['flan-t5-base'].config);
  const one = estimateTrainingMemory(shape, { batchSize: 1, gradAccum: 1, sourceTokens: 512, targetTokens: 512 });
  const p = shape.parameters;
  assert.equal(p, 247_577_856);
  assert.deepEqual([one.weights, one.gradients, one.moments], [4 * p, 4 * p, 8 * p]);
  const four = estimateTrainingMemory(shape, { batchSize: 4, gradAccum: 8, sourceTokens: 512, targetTokens: 512 });
  assert.equal(four.gradients, 8 * p);
  assert.ok(Math.abs(four.activations - 4 * one.activations) < 1e-6 * four.activations);
  assert.equal(four.total, four.weights + four.gradients + four.moments + four.activations);
  // The head alone keeps three [tokens, vocab] float tensors: 512 × 32,128 × 3 × 4 bytes per example.
  assert.ok(one.activations > 512 * 32128 * 3 * 4);
  const gpt2 = gpt2MemoryShape(PRESETS['gpt2-xl'].shape);
  const xl = estimateTrainingMemory(gpt2, { batchSize: 1, gradAccum: 1, sourceTokens: 0, targetTokens: 1024 });
  assert.ok(xl.total > 16 * gpt2.parameters, 'weights + gradients + moments alone are 16 bytes a parameter');
});

test('a run the machine cannot hold is refused in one line naming the figure, before anything is written', async (t) => {
  const dir = await tempDir(t);
  await makeCorpus(dir, { examples: 16, perShard: 16 });
  const hooks = recordingHooks();
  await assert.rejects(
    train(trainOptions(dir, { preset: 't5-tiny', steps: 5, batchSize: 8, evalPermille: 0, memoryLimit: 1_000_000 }), hooks),
    (e) => isLaminiError(e, ErrorCodes.TRAIN_MEMORY_INSUFFICIENT) && !e.message.includes('\n') &&
      /preset t5-tiny at 8 examples a pass needs about \d+ MB to train, this machine has 1 MB; use a shorter --context/.test(e.message),
  );
  // Room for the weights, gradients and moments but not for 8 examples' activations: a smaller micro-batch is named.
  const shape = t5MemoryShape(T5_STUDENT_PRESETS['t5-tiny'].config);
  const run = { batchSize: 8, gradAccum: 1, sourceTokens: 128, targetTokens: 128 };
  const one = estimateTrainingMemory(shape, { ...run, batchSize: 1, gradAccum: 2 });
  const room = one.weights + one.gradients + one.moments + 3.5 * one.activations;
  assert.equal(fittingBatch(shape, run, room), 3);
  await assert.rejects(
    train(trainOptions(dir, { preset: 't5-tiny', steps: 5, batchSize: 8, evalPermille: 0, memoryLimit: room }), recordingHooks()),
    (e) => isLaminiError(e, ErrorCodes.TRAIN_MEMORY_INSUFFICIENT) && /--batch-size 3 --grad-accum 3 would fit/.test(e.message),
  );
  assert.ok(hooks.lines.some((l) => /^lamini: memory estimate \d+ MB \(weights/.test(l)), hooks.lines.join('\n'));
  assert.ok(!(await readdir(dir)).includes('checkpoints'));
});
