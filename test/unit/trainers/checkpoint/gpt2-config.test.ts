/** config.json ↔ Gpt2Config: the keys GPT2Config writes, its defaults, and the variants refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes } from '../../../../common/errors.ts';
import {
  formatGpt2Config, gpt2Config, gpt2ConfigJson, parseGpt2Config, parseGpt2ConfigText, TRANSFORMERS_VERSION,
} from '../../../../trainers/checkpoint/gpt2-config.ts';
import { FIXTURE, rejectsWith } from './helpers.ts';

const TINY = { vocabSize: 96, context: 32, dModel: 32, layers: 2, heads: 4, layerNormEps: 1e-5 };

async function hfConfig(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8'));
}

test('the fixture config.json (written by GPT2Config) parses to its shape', async () => {
  const config = parseGpt2Config(await hfConfig(), 'config.json');
  assert.deepEqual(config, { ...TINY, bosTokenId: 95, eosTokenId: 95, initializerRange: 0.02 });
});

test('config.json carries every key and value GPT2Config.save_pretrained writes, in its layout', async () => {
  const hf = await hfConfig();
  const ours = gpt2ConfigJson(gpt2Config(TINY, { bosTokenId: 95, eosTokenId: 95 }));
  for (const [key, value] of Object.entries(hf)) assert.deepEqual(ours[key], value, key);
  // The only extra key states what GPT-2 assumes anyway.
  assert.deepEqual(Object.keys(ours).filter((k) => !(k in hf)), ['tie_word_embeddings']);
  assert.equal(ours.transformers_version, TRANSFORMERS_VERSION);
  // Same keys in the same (sorted) order, 2-space indent; numbers may be spelled differently (1e-05 / 0.00001).
  const text = formatGpt2Config(gpt2Config(TINY, { bosTokenId: 95, eosTokenId: 95 }));
  const written: Record<string, unknown> = JSON.parse(text);
  assert.deepEqual(Object.keys(written), Object.keys(ours));
  assert.deepEqual(Object.keys(written).filter((k) => k !== 'tie_word_embeddings'), Object.keys(hf));
  assert.deepEqual(Object.keys(written), [...Object.keys(written)].sort());
  assert.match(text, /^\{\n  "activation_function": "gelu_new",\n  "architectures": \[\n    "GPT2LMHeadModel"\n  \],\n/);
  assert.ok(text.endsWith('}\n'));
});

test('write then parse gives the same config', () => {
  const config = gpt2Config({ ...TINY, layerNormEps: 1e-6 }, { bosTokenId: 1, eosTokenId: 2 });
  assert.deepEqual(parseGpt2ConfigText(formatGpt2Config(config), 'x'), config);
});

test('absent keys take GPT2Config\'s defaults (a hand-written config of GPT-2 small)', () => {
  assert.deepEqual(parseGpt2Config({ model_type: 'gpt2' }, 'config.json'), {
    vocabSize: 50257, context: 1024, dModel: 768, layers: 12, heads: 12, layerNormEps: 1e-5,
    bosTokenId: 50256, eosTokenId: 50256, initializerRange: 0.02,
  });
});

test('gelu_pytorch_tanh (the same function) and n_inner = 4·d are accepted', () => {
  const config = parseGpt2Config({ model_type: 'gpt2', n_embd: 64, n_head: 2, activation_function: 'gelu_pytorch_tanh', n_inner: 256 }, 'c');
  assert.equal(config.dModel, 64);
});

test('another model type is CHECKPOINT_MISMATCH on one line', async () => {
  await rejectsWith(() => parseGpt2Config({ model_type: 'llama', hidden_size: 4096 }, '/models/x/config.json'),
    ErrorCodes.CHECKPOINT_MISMATCH, /^\/models\/x\/config\.json: model_type "llama" is not "gpt2"/);
  await rejectsWith(() => parseGpt2Config({}, 'c.json'), ErrorCodes.CHECKPOINT_MISMATCH, /model_type undefined/);
});

test('unsupported GPT-2 variants are CHECKPOINT_MISMATCH naming every one', async () => {
  const raw = {
    model_type: 'gpt2', activation_function: 'relu', n_inner: 100, tie_word_embeddings: false,
    scale_attn_weights: false, scale_attn_by_inverse_layer_idx: true, add_cross_attention: true,
  };
  await rejectsWith(() => parseGpt2Config(raw, 'c.json'), ErrorCodes.CHECKPOINT_MISMATCH, new RegExp([
    'unsupported GPT-2 variant: activation_function "relu" \\(only gelu_new / gelu_pytorch_tanh\\)',
    'n_inner 100 \\(only null, i\\.e\\. 4 × n_embd\\)', 'tie_word_embeddings false \\(only true\\)',
    'scale_attn_weights false \\(only true\\)', 'scale_attn_by_inverse_layer_idx true \\(only false\\)',
    'add_cross_attention true \\(only false\\)',
  ].join('; ')));
});

test('malformed values are CHECKPOINT_INVALID, all reported at once', async () => {
  const raw = { model_type: 'gpt2', vocab_size: 0, n_embd: 30, n_head: 4, layer_norm_epsilon: -1, n_layer: '2' };
  await rejectsWith(() => parseGpt2Config(raw, 'c.json'), ErrorCodes.CHECKPOINT_INVALID,
    /vocab_size must be an integer >= 1 \(got 0\); n_layer must be an integer >= 1 \(got "2"\); layer_norm_epsilon must be a positive number \(got -1\); n_embd 30 is not a multiple of n_head 4/);
  await rejectsWith(() => parseGpt2ConfigText('{"model_type": "gpt2",', 'c.json'), ErrorCodes.CHECKPOINT_INVALID, /^c\.json: not valid JSON$/);
  await rejectsWith(() => parseGpt2Config([1], 'c.json'), ErrorCodes.CHECKPOINT_INVALID, /not a JSON object/);
});
