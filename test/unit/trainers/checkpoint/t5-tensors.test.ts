/** T5ForConditionalGeneration's state dict: names and [out, in] shapes, the fixtures, aliases, and mismatches. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from '../../../../common/errors.ts';
import type { FloatTensor } from '../../../../trainers/checkpoint/safetensors.ts';
import type { T5Shape } from '../../../../trainers/checkpoint/t5-config.ts';
import { loadT5Weights, t5TensorSpecs } from '../../../../trainers/checkpoint/t5-tensors.ts';
import { rejectsWith } from './helpers.ts';
import { elements, T5_FIXTURE_NAMES, t5FixtureConfig, t5FixtureTensors, t5Reference } from './t5-helpers.ts';

/** One block each side, every size distinct: V 10, d 6, inner 2 × 4 = 8, F 5, 3 buckets. */
const ONE: T5Shape = {
  vocabSize: 10, dModel: 6, dKv: 4, dFf: 5, numLayers: 1, numDecoderLayers: 1, numHeads: 2,
  relativeAttentionNumBuckets: 3, feedForwardProj: 'relu', tieWordEmbeddings: true,
};

function listed(shape: T5Shape): string[] {
  return t5TensorSpecs(shape).map((s) => `${s.name} ${s.shape.join('x')}`);
}

test('specs: T5\'s names in state-dict order, nn.Linear [out, in], position table in block 0 only', () => {
  assert.deepEqual(listed(ONE), [
    'shared.weight 10x6',
    'encoder.block.0.layer.0.SelfAttention.q.weight 8x6', 'encoder.block.0.layer.0.SelfAttention.k.weight 8x6',
    'encoder.block.0.layer.0.SelfAttention.v.weight 8x6', 'encoder.block.0.layer.0.SelfAttention.o.weight 6x8',
    'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight 3x2',
    'encoder.block.0.layer.0.layer_norm.weight 6',
    'encoder.block.0.layer.1.DenseReluDense.wi.weight 5x6', 'encoder.block.0.layer.1.DenseReluDense.wo.weight 6x5',
    'encoder.block.0.layer.1.layer_norm.weight 6',
    'encoder.final_layer_norm.weight 6',
    'decoder.block.0.layer.0.SelfAttention.q.weight 8x6', 'decoder.block.0.layer.0.SelfAttention.k.weight 8x6',
    'decoder.block.0.layer.0.SelfAttention.v.weight 8x6', 'decoder.block.0.layer.0.SelfAttention.o.weight 6x8',
    'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight 3x2',
    'decoder.block.0.layer.0.layer_norm.weight 6',
    'decoder.block.0.layer.1.EncDecAttention.q.weight 8x6', 'decoder.block.0.layer.1.EncDecAttention.k.weight 8x6',
    'decoder.block.0.layer.1.EncDecAttention.v.weight 8x6', 'decoder.block.0.layer.1.EncDecAttention.o.weight 6x8',
    'decoder.block.0.layer.1.layer_norm.weight 6',
    'decoder.block.0.layer.2.DenseReluDense.wi.weight 5x6', 'decoder.block.0.layer.2.DenseReluDense.wo.weight 6x5',
    'decoder.block.0.layer.2.layer_norm.weight 6',
    'decoder.final_layer_norm.weight 6',
  ]);
  const gated = listed({ ...ONE, numLayers: 2, feedForwardProj: 'gated-gelu', tieWordEmbeddings: false });
  assert.ok(gated.includes('encoder.block.1.layer.1.DenseReluDense.wi_0.weight 5x6'));
  assert.ok(gated.includes('decoder.block.0.layer.2.DenseReluDense.wi_1.weight 5x6'));
  assert.ok(!gated.some((s) => s.includes('.wi.weight') || s.startsWith('encoder.block.1.layer.0.SelfAttention.relative')));
  assert.equal(gated.at(-1), 'lm_head.weight 10x6');
});

test('both fixtures load through readSafetensors + loadT5Weights with exactly the specs\' names and shapes', async () => {
  for (const name of T5_FIXTURE_NAMES) {
    const config = await t5FixtureConfig(name);
    const tensors = await t5FixtureTensors(name);
    const weights = loadT5Weights(tensors, config, `${name}/model.safetensors`);
    const specs = t5TensorSpecs(config);
    assert.deepEqual([...weights.keys()], specs.map((s) => s.name), name);
    assert.deepEqual([...tensors.keys()].sort(), specs.map((s) => s.name).sort(), name);
    for (const spec of specs) assert.deepEqual(weights.get(spec.name)?.shape, spec.shape, spec.name);
    assert.equal(weights.get('shared.weight')?.data, tensors.get('shared.weight')?.data, 'not copied');
    assert.equal(weights.has('lm_head.weight'), !config.tieWordEmbeddings, name);
  }
});

test('the fixtures\' reference.json: decoder start token first, hidden [enc, d], logits [dec, V], bucket tables', async () => {
  for (const name of T5_FIXTURE_NAMES) {
    const config = await t5FixtureConfig(name);
    const ref = await t5Reference(name);
    assert.equal(ref.decoderInputIds[0], config.decoderStartTokenId);
    assert.equal(ref.encoderInputIds.at(-1), config.eosTokenId);
    assert.deepEqual(ref.encoderLastHiddenState.map((r) => r.length), ref.encoderInputIds.map(() => config.dModel));
    assert.deepEqual(ref.logits.map((r) => r.length), ref.decoderInputIds.map(() => config.vocabSize));
    assert.ok(ref.logits.flat().every(Number.isFinite) && ref.encoderLastHiddenState.flat().every(Number.isFinite));
    assert.equal(ref.grid.numBuckets, config.relativeAttentionNumBuckets);
    assert.equal(ref.grid.maxDistance, config.relativeAttentionMaxDistance);
    for (const table of [ref.grid, ref.wide]) {
      for (const bucket of [...table.bidirectional.flat(), ...table.unidirectional.flat()]) {
        assert.ok(Number.isInteger(bucket) && bucket >= 0 && bucket < table.numBuckets);
      }
    }
    assert.equal(ref.wide.bidirectional[0]?.length, ref.wideRelative.length);
    assert.equal(ref.grid.bidirectional[0]?.[0], 0, 'distance 0 is bucket 0');
  }
});

/** A file's worth of tensors for `shape`, each filled with its index so copies can be told apart. */
function synthetic(shape: T5Shape): Map<string, FloatTensor> {
  return new Map(t5TensorSpecs(shape).map((s, i) => [s.name, { shape: [...s.shape], data: new Float32Array(elements(s.shape)).fill(i) }]));
}

test('save_pretrained\'s aliases of shared are accepted: embed_tokens copies and a tied lm_head equal to it', () => {
  const file = synthetic(ONE);
  const shared = file.get('shared.weight');
  assert.ok(shared !== undefined);
  const copy = (): FloatTensor => ({ shape: [...shared.shape], data: shared.data.slice() });
  file.set('encoder.embed_tokens.weight', copy());
  file.set('decoder.embed_tokens.weight', copy());
  file.set('lm_head.weight', copy());
  file.set('decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight', { shape: [3, 2], data: new Float32Array(6) });
  const weights = loadT5Weights(file, ONE);
  assert.deepEqual([...weights.keys()], t5TensorSpecs(ONE).map((s) => s.name));
  assert.equal(weights.get('shared.weight')?.data, shared.data);

  const onlyAlias = synthetic(ONE);
  onlyAlias.delete('shared.weight');
  onlyAlias.set('encoder.embed_tokens.weight', copy());
  assert.equal(loadT5Weights(onlyAlias, ONE).get('shared.weight')?.data.length, 60);
});

test('a copy of shared that differs is CHECKPOINT_MISMATCH naming it', async () => {
  const file = synthetic(ONE);
  file.set('decoder.embed_tokens.weight', { shape: [10, 6], data: new Float32Array(60).fill(7) });
  await rejectsWith(() => loadT5Weights(file, ONE, 'm.safetensors'), ErrorCodes.CHECKPOINT_MISMATCH,
    /^m\.safetensors decoder\.embed_tokens\.weight differs from shared\.weight$/);
  file.delete('decoder.embed_tokens.weight');
  file.set('lm_head.weight', { shape: [10, 6], data: new Float32Array(60).fill(7) });
  await rejectsWith(() => loadT5Weights(file, ONE, 'm.safetensors'), ErrorCodes.CHECKPOINT_MISMATCH,
    /lm_head\.weight differs from shared\.weight; untied output heads need tie_word_embeddings false/);
});

test('missing, wrong-shaped and unexpected tensors are reported together, on one line, naming them', async () => {
  const file = synthetic(ONE);
  file.delete('shared.weight');
  file.delete('decoder.final_layer_norm.weight');
  file.set('encoder.block.0.layer.0.SelfAttention.o.weight', { shape: [8, 6], data: new Float32Array(48) });
  file.set('encoder.block.1.layer.0.layer_norm.weight', { shape: [6], data: new Float32Array(6) });
  await rejectsWith(() => loadT5Weights(file, ONE, 'm.safetensors'), ErrorCodes.CHECKPOINT_MISMATCH, new RegExp(
    '^m\\.safetensors has no shared\\.weight \\(nor encoder\\.embed_tokens\\.weight, decoder\\.embed_tokens\\.weight\\), ' +
    'decoder\\.final_layer_norm\\.weight; has wrong shapes: encoder\\.block\\.0\\.layer\\.0\\.SelfAttention\\.o\\.weight \\[8, 6\\], ' +
    'config\\.json says \\[6, 8\\]; has tensors T5ForConditionalGeneration of this config does not: encoder\\.block\\.1\\.layer\\.0\\.layer_norm\\.weight$'));
});

test('a T5 file read with a v1.1 config (or the other way round) names the tensors that differ', async () => {
  const t5 = await t5FixtureTensors('t5');
  const v1 = await t5FixtureConfig('v1_1');
  await rejectsWith(() => loadT5Weights(t5, { ...v1, dModel: 32, numDecoderLayers: 2, dFf: 64 }, 't5-tiny'),
    ErrorCodes.CHECKPOINT_MISMATCH,
    /^t5-tiny has no encoder\.block\.0\.layer\.1\.DenseReluDense\.wi_0\.weight, .*, … \(\d+ in all\); has tensors .* does not: decoder\.block\.0\.layer\.2\.DenseReluDense\.wi\.weight, .*\(4 in all\)$/);
  const untied = await t5FixtureTensors('v1_1');
  await rejectsWith(() => loadT5Weights(untied, { ...v1, tieWordEmbeddings: true }, 'v1'), ErrorCodes.CHECKPOINT_MISMATCH,
    /^v1 lm_head\.weight differs from shared\.weight; untied output heads need tie_word_embeddings false in config\.json$/);
});
