/** T5 presets at the paper's sizes, and the parameter count against transformers' num_parameters(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isT5PresetName, t5ParameterCount, T5_PRESETS } from '../../../../trainers/checkpoint/t5-presets.ts';
import { t5TensorSpecs } from '../../../../trainers/checkpoint/t5-tensors.ts';
import { elements, T5_FIXTURE_NAMES, t5FixtureConfig, t5Reference } from './t5-helpers.ts';

/** T5ForConditionalGeneration(T5Config(...)).num_parameters() for each preset, transformers 4.45.2. */
const NUM_PARAMETERS = {
  't5-small': 60_506_624,
  'flan-t5-small': 76_961_152,
  't5-base': 222_903_552,
  'flan-t5-base': 247_577_856,
  't5-large': 737_668_096,
  'flan-t5-large': 783_150_080,
} as const;

test('each preset has the paper\'s size and the count transformers reports', () => {
  assert.deepEqual(Object.keys(T5_PRESETS), Object.keys(NUM_PARAMETERS));
  for (const [name, preset] of Object.entries(T5_PRESETS)) {
    const count = t5ParameterCount(preset.config);
    assert.ok(isT5PresetName(name));
    assert.equal(count, NUM_PARAMETERS[name], name);
    assert.equal(Math.round(count / 1e6), preset.paperMillions, name);
    assert.equal(t5TensorSpecs(preset.config).reduce((n, s) => n + elements(s.shape), 0), count, name);
  }
  assert.ok(!isT5PresetName('t5-3b') && !isT5PresetName('toString'));
});

test('the fixtures\' counts are what num_parameters() reported when they were made', async () => {
  for (const name of T5_FIXTURE_NAMES) {
    const config = await t5FixtureConfig(name);
    const { numParameters } = await t5Reference(name);
    assert.equal(t5ParameterCount(config), numParameters, name);
    assert.equal(t5TensorSpecs(config).reduce((n, s) => n + elements(s.shape), 0), numParameters, name);
  }
});
