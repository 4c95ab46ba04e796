/** T5 config.json: the fixtures' files parse, are written back byte for byte, defaults, and one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from '../../../../common/errors.ts';
import { formatT5Config, parseT5Config, parseT5ConfigText, t5ConfigJson, type T5Config } from '../../../../trainers/checkpoint/t5-config.ts';
import { T5_PRESETS } from '../../../../trainers/checkpoint/t5-presets.ts';
import { rejectsWith } from './helpers.ts';
import { T5_FIXTURE_NAMES, t5ConfigText, t5FixtureConfig } from './t5-helpers.ts';

const TINY: T5Config = {
  vocabSize: 128, dModel: 32, dKv: 8, dFf: 64, numLayers: 2, numDecoderLayers: 2, numHeads: 4,
  relativeAttentionNumBuckets: 8, relativeAttentionMaxDistance: 16, dropoutRate: 0.1, layerNormEps: 1e-6,
  feedForwardProj: 'relu', tieWordEmbeddings: true, initializerFactor: 1, padTokenId: 0, eosTokenId: 1,
  decoderStartTokenId: 0,
};

test('the fixtures\' config.json files parse to both variants', async () => {
  assert.deepEqual(await t5FixtureConfig('t5'), TINY);
  assert.deepEqual(await t5FixtureConfig('v1_1'), {
    ...TINY, dModel: 24, dFf: 40, numDecoderLayers: 3, feedForwardProj: 'gated-gelu', tieWordEmbeddings: false,
  });
});

test('our config.json is the one save_pretrained wrote, byte for byte, with every key it wrote', async () => {
  for (const name of T5_FIXTURE_NAMES) {
    const text = await t5ConfigText(name);
    const config = await t5FixtureConfig(name);
    assert.equal(formatT5Config(config), text, name);
    const theirs: unknown = JSON.parse(text);
    assert.ok(typeof theirs === 'object' && theirs !== null);
    assert.deepEqual(Object.keys(t5ConfigJson(config)), Object.keys(theirs), name);
    assert.deepEqual(parseT5ConfigText(formatT5Config(config), 'ours'), config, name);
  }
});

test('every preset round-trips through config.json', () => {
  for (const [name, preset] of Object.entries(T5_PRESETS)) {
    assert.deepEqual(parseT5ConfigText(formatT5Config(preset.config), name), preset.config, name);
  }
  const text = formatT5Config(T5_PRESETS['flan-t5-small'].config);
  assert.match(text, /"layer_norm_epsilon": 1e-06,\n/);
  assert.match(text, /"initializer_factor": 1\.0,\n/);
  assert.match(text, /"dense_act_fn": "gelu_new",\n/);
  assert.match(text, /"tie_word_embeddings": false,\n/);
  assert.doesNotMatch(formatT5Config(T5_PRESETS['t5-small'].config), /tie_word_embeddings/);
});

test('absent keys take T5Config\'s defaults; num_decoder_layers follows num_layers, decoder start the pad id', () => {
  assert.deepEqual(parseT5Config({ model_type: 't5', num_layers: 3, pad_token_id: 2 }, 'c'), {
    vocabSize: 32128, dModel: 512, dKv: 64, dFf: 2048, numLayers: 3, numDecoderLayers: 3, numHeads: 8,
    relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0.1, layerNormEps: 1e-6,
    feedForwardProj: 'relu', tieWordEmbeddings: true, initializerFactor: 1, padTokenId: 2, eosTokenId: 1,
    decoderStartTokenId: 2,
  });
  const flan = { ...t5ConfigJson(T5_PRESETS['flan-t5-base'].config), num_decoder_layers: null, n_positions: 512 };
  assert.equal(parseT5Config(flan, 'c').numDecoderLayers, 12);
  assert.equal(parseT5Config({ ...flan, dense_act_fn: 'gelu_pytorch_tanh' }, 'c').feedForwardProj, 'gated-gelu');
});

test('another model_type is CHECKPOINT_MISMATCH on one line', async () => {
  await rejectsWith(() => parseT5Config({ model_type: 'gpt2', n_embd: 32 }, 'gpt2/config.json'),
    ErrorCodes.CHECKPOINT_MISMATCH, /^gpt2\/config\.json: model_type "gpt2" is not "t5"/);
  await rejectsWith(() => parseT5Config({ d_model: 32 }, 'c.json'), ErrorCodes.CHECKPOINT_MISMATCH, /model_type undefined is not "t5"/);
});

test('a feed-forward we do not compute is CHECKPOINT_MISMATCH naming it, and so is a contradicting activation', async () => {
  const base = t5ConfigJson(TINY);
  await rejectsWith(() => parseT5Config({ ...base, feed_forward_proj: 'gated-silu', dense_act_fn: 'silu', is_gated_act: true }, 'c.json'),
    ErrorCodes.CHECKPOINT_MISMATCH,
    /^c\.json: unsupported T5 variant: feed_forward_proj "gated-silu" \(only "relu", T5, or "gated-gelu", T5 v1\.1 \/ Flan-T5\)/);
  await rejectsWith(() => parseT5Config({ ...base, dense_act_fn: 'gelu' }, 'c.json'),
    ErrorCodes.CHECKPOINT_MISMATCH, /dense_act_fn "gelu" with feed_forward_proj "relu" \(only relu\)/);
  await rejectsWith(() => parseT5Config({ ...base, is_gated_act: true }, 'c.json'),
    ErrorCodes.CHECKPOINT_MISMATCH, /is_gated_act true with feed_forward_proj "relu"/);
});

test('malformed values are CHECKPOINT_INVALID, every one listed on one line', async () => {
  const base = t5ConfigJson(TINY);
  await rejectsWith(() => parseT5Config({ ...base, d_model: 0, num_heads: 2.5, layer_norm_epsilon: -1, tie_word_embeddings: 'no' }, 'c.json'),
    ErrorCodes.CHECKPOINT_INVALID,
    /^c\.json: d_model must be an integer >= 1 \(got 0\); num_heads must be an integer >= 1 \(got 2\.5\); layer_norm_epsilon must be a positive number \(got -1\); tie_word_embeddings must be true or false \(got "no"\)$/);
  await rejectsWith(() => parseT5Config({ ...base, relative_attention_max_distance: 4, eos_token_id: 128 }, 'c.json'),
    ErrorCodes.CHECKPOINT_INVALID,
    /relative_attention_max_distance 4 must exceed half of relative_attention_num_buckets \(4\); eos_token_id 128 is not below vocab_size 128/);
  await rejectsWith(() => parseT5Config({ ...base, feed_forward_proj: 3 }, 'c.json'), ErrorCodes.CHECKPOINT_INVALID, /feed_forward_proj must be a string/);
  await rejectsWith(() => parseT5ConfigText('{"model_type": "t5",', 'c.json'), ErrorCodes.CHECKPOINT_INVALID, /^c\.json: not valid JSON$/);
  await rejectsWith(() => parseT5Config([], 'c.json'), ErrorCodes.CHECKPOINT_INVALID, /^c\.json: not a JSON object$/);
});
