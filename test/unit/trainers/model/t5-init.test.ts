/**
 * Fresh T5 weights follow `T5PreTrainedModel._init_weights`: every tensor of the config, norms at the factor,
 * each matrix's sample standard deviation at HF's value for its kind, and the same seed giving the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { t5TensorSpecs } from '../../../../trainers/checkpoint/t5-tensors.ts';
import { initT5Weights } from '../../../../trainers/model/t5-init.ts';
import { T5_STUDENT_PRESETS } from '../../../../trainers/presets.ts';

const config = { ...T5_STUDENT_PRESETS['flan-t5-tiny'].config, dModel: 96, dKv: 12, numHeads: 6, dFf: 200, initializerFactor: 0.5 };

function std(data: Float32Array): number {
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  return Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
}

test('initT5Weights draws every tensor at HF\'s standard deviation for its kind', () => {
  const weights = initT5Weights(config, 3);
  assert.deepEqual([...weights.keys()], t5TensorSpecs(config).map((s) => s.name));
  const f = config.initializerFactor;
  const expected: [string, number][] = [
    ['shared.weight', f],
    ['lm_head.weight', f],
    ['encoder.block.0.layer.0.SelfAttention.q.weight', f * (96 * 12) ** -0.5],
    ['encoder.block.1.layer.0.SelfAttention.k.weight', f * 96 ** -0.5],
    ['decoder.block.0.layer.1.EncDecAttention.o.weight', f * 72 ** -0.5],
    ['decoder.block.1.layer.2.DenseReluDense.wi_1.weight', f * 96 ** -0.5],
    ['encoder.block.0.layer.1.DenseReluDense.wo.weight', f * 200 ** -0.5],
    ['decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', f * 96 ** -0.5],
  ];
  for (const [name, want] of expected) {
    const w = weights.get(name);
    assert.ok(w !== undefined, name);
    const got = std(w.data);
    assert.ok(Math.abs(got - want) < 0.12 * want, `${name}: std ${got.toFixed(4)}, HF ${want.toFixed(4)}`);
  }
  assert.ok(weights.get('encoder.final_layer_norm.weight')?.data.every((v) => v === f));
  assert.deepEqual(initT5Weights(config, 3).get('shared.weight')?.data, weights.get('shared.weight')?.data);
  assert.notDeepEqual(initT5Weights(config, 4).get('shared.weight')?.data, weights.get('shared.weight')?.data);
});
