/** GPT2LMHeadModel's state dict: names and shapes, both namings, buffers, the tied head, mismatches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ErrorCodes } from '../../../../common/errors.ts';
import { gpt2TensorSpecs, isGpt2Buffer, loadGpt2Weights } from '../../../../trainers/checkpoint/gpt2-tensors.ts';
import { parameterCount } from '../../../../trainers/model/shape.ts';
import { readPretrainedGpt2 } from '../../../../trainers/checkpoint/hf-folder.ts';
import { readSafetensors, type FloatTensor } from '../../../../trainers/checkpoint/safetensors.ts';
import { FIXTURE, fixtureConfig, fixtureTensors, ORIGINAL, rejectsWith } from './helpers.ts';

const SHAPE = { vocabSize: 96, context: 32, dModel: 32, layers: 2 };

test('specs: GPT2LMHeadModel\'s names and [in, out] Conv1D shapes, and the parameter count transformers reports', () => {
  const specs = gpt2TensorSpecs({ ...SHAPE, layers: 1 });
  assert.deepEqual(specs.map((s) => `${s.name} ${s.shape.join('x')}`), [
    'transformer.wte.weight 96x32', 'transformer.wpe.weight 32x32',
    'transformer.h.0.ln_1.weight 32', 'transformer.h.0.ln_1.bias 32',
    'transformer.h.0.attn.c_attn.weight 32x96', 'transformer.h.0.attn.c_attn.bias 96',
    'transformer.h.0.attn.c_proj.weight 32x32', 'transformer.h.0.attn.c_proj.bias 32',
    'transformer.h.0.ln_2.weight 32', 'transformer.h.0.ln_2.bias 32',
    'transformer.h.0.mlp.c_fc.weight 32x128', 'transformer.h.0.mlp.c_fc.bias 128',
    'transformer.h.0.mlp.c_proj.weight 128x32', 'transformer.h.0.mlp.c_proj.bias 32',
    'transformer.ln_f.weight 32', 'transformer.ln_f.bias 32',
  ]);
  const gpt2Small = { vocabSize: 50257, context: 1024, dModel: 768, layers: 12, heads: 12 };
  const count = gpt2TensorSpecs(gpt2Small).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(count, 124_439_808); // GPT2LMHeadModel.num_parameters() for gpt2
  assert.equal(count, parameterCount(gpt2Small));
});

test('the fixture loads under canonical names, data not copied', async () => {
  const tensors = await fixtureTensors();
  const weights = loadGpt2Weights(tensors, await fixtureConfig());
  assert.equal(weights.size, 2 + 12 * 2 + 2);
  assert.equal(weights.get('transformer.h.1.mlp.c_fc.weight')?.data, tensors.get('transformer.h.1.mlp.c_fc.weight')?.data);
});

test('the original naming (no prefix, attn.bias / masked_bias buffers, F16) loads to the same names and shapes', async () => {
  const original = await readPretrainedGpt2(ORIGINAL);
  const ours = await readPretrainedGpt2(FIXTURE);
  assert.deepEqual([...original.weights.keys()], [...ours.weights.keys()]);
  for (const [name, t] of ours.weights) assert.deepEqual(original.weights.get(name)?.shape, t.shape, name);
  assert.equal(original.tokenizerJson, undefined);
  assert.equal(typeof ours.tokenizerJson, 'string');
  assert.ok(isGpt2Buffer('h.0.attn.bias') && isGpt2Buffer('transformer.h.11.attn.masked_bias'));
  assert.ok(!isGpt2Buffer('h.0.attn.c_attn.bias'));
});

test('a tied lm_head.weight is accepted; an untied one is CHECKPOINT_MISMATCH', async () => {
  const tensors = await fixtureTensors();
  const wte = tensors.get('transformer.wte.weight');
  assert.ok(wte !== undefined);
  const tied = new Map(tensors).set('lm_head.weight', { shape: [...wte.shape], data: wte.data.slice() });
  assert.equal(loadGpt2Weights(tied, SHAPE).has('lm_head.weight'), false);
  const data = wte.data.slice();
  data[7] = (data[7] ?? 0) + 1e-3;
  const untied = new Map(tensors).set('lm_head.weight', { shape: [...wte.shape], data });
  await rejectsWith(() => loadGpt2Weights(untied, SHAPE, 'm.safetensors'), ErrorCodes.CHECKPOINT_MISMATCH,
    /^m\.safetensors lm_head\.weight differs from transformer\.wte\.weight; untied output heads are not supported$/);
});

test('a missing tensor, a wrong shape, a duplicate and an unexpected tensor are CHECKPOINT_MISMATCH naming it', async () => {
  const tensors = await fixtureTensors();
  const without = new Map(tensors);
  without.delete('transformer.h.1.ln_2.bias');
  await rejectsWith(() => loadGpt2Weights(without, SHAPE), ErrorCodes.CHECKPOINT_MISMATCH, /has no tensor transformer\.h\.1\.ln_2\.bias \(nor h\.1\.ln_2\.bias\)/);
  await rejectsWith(() => loadGpt2Weights(tensors, { ...SHAPE, context: 64 }), ErrorCodes.CHECKPOINT_MISMATCH,
    /tensor transformer\.wpe\.weight has shape \[32, 32\], config\.json says \[64, 32\]/);
  const twice = new Map(tensors).set('ln_f.bias', { shape: [32], data: new Float32Array(32) });
  await rejectsWith(() => loadGpt2Weights(twice, SHAPE), ErrorCodes.CHECKPOINT_MISMATCH, /holds transformer\.ln_f\.bias twice/);
  await rejectsWith(() => loadGpt2Weights(tensors, { ...SHAPE, layers: 1 }), ErrorCodes.CHECKPOINT_MISMATCH,
    /has tensors GPT2LMHeadModel of this config does not: transformer\.h\.1\.attn\.c_attn\.bias, .*\(12 in all\)/);
  const extra = new Map<string, FloatTensor>(tensors).set('score.weight', { shape: [2, 32], data: new Float32Array(64) });
  await rejectsWith(() => loadGpt2Weights(extra, SHAPE), ErrorCodes.CHECKPOINT_MISMATCH, /does not: score\.weight$/);
});

test('a folder with only pytorch_model.bin is told how to convert it', async () => {
  const { mkdir, copyFile, writeFile } = await import('node:fs/promises');
  const { tempDir } = await import('./helpers.ts');
  const dir = await tempDir();
  await mkdir(dir, { recursive: true });
  await copyFile(join(FIXTURE, 'config.json'), join(dir, 'config.json'));
  await writeFile(join(dir, 'pytorch_model.bin'), 'not read');
  await rejectsWith(() => readPretrainedGpt2(dir), ErrorCodes.CHECKPOINT_INVALID, /holds only pytorch_model\.bin; save it again/);
  // and a header-level read of the original file is not needed to load it
  assert.ok((await readSafetensors(join(ORIGINAL, 'model.safetensors'), { select: (n) => n === 'wte.weight' })).has('wte.weight'));
});
