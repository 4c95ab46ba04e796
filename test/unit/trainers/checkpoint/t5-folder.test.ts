/**
 * Hugging Face T5 folders in and out: `readPretrainedT5` reads the committed fixtures (config, weights, and a
 * Unigram tokenizer.json whose ids are HF `tokenizers`' own), refuses a folder without weights and a tokenizer that
 * does not fit the model; an encoder-decoder checkpoint saves and reads back whole, with the small files
 * `transformers` needs to open its tokenizer (bench/trainer/hf_check_t5.py opens real ones).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../../../../common/errors.ts';
import { readCheckpoint, readPretrainedT5, saveCheckpoint } from '../../../../trainers/checkpoint/index.ts';
import { parseAnyTokenizerJson } from '../../../../trainers/tokenizer/index.ts';
import { rejectsWith, tempDir } from './helpers.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/${name}/`, import.meta.url));

test('readPretrainedT5 reads both fixtures; the tokenizer gives HF tokenizers\' ids', async () => {
  for (const name of ['t5-tiny', 't5-v1_1-tiny']) {
    const read = await readPretrainedT5(fixture(name));
    assert.equal(read.config.vocabSize, 128);
    assert.ok(read.weights.has('shared.weight'));
    assert.equal(read.weights.has('lm_head.weight'), !read.config.tieWordEmbeddings);
    assert.ok(read.tokenizerJson !== undefined);
    const tokenizer = parseAnyTokenizerJson(read.tokenizerJson);
    const ref = JSON.parse(await readFile(join(fixture(name), 'tokenizer-reference.json'), 'utf8')) as {
      strings: { text: string; ids: number[]; with_eos: number[] }[];
    };
    for (const s of ref.strings) {
      assert.deepEqual(tokenizer.encode(s.text), s.ids, JSON.stringify(s.text));
      assert.deepEqual([...tokenizer.encode(s.text), tokenizer.eosId], s.with_eos);
    }
  }
});

test('a folder without weights, and a tokenizer larger than the model, are refused', async () => {
  const dir = await tempDir();
  await copyFile(join(fixture('t5-tiny'), 'config.json'), join(dir, 'config.json'));
  await rejectsWith(() => readPretrainedT5(dir), ErrorCodes.CHECKPOINT_INVALID, /has no model\.safetensors$/);
  await copyFile(join(fixture('t5-tiny'), 'model.safetensors'), join(dir, 'model.safetensors'));
  const config = JSON.parse(await readFile(join(fixture('t5-tiny'), 'config.json'), 'utf8'));
  const big = JSON.parse(await readFile(join(fixture('t5-tiny'), 'tokenizer.json'), 'utf8'));
  big.model.vocab.push(['▁extra', -20]);
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(big));
  await rejectsWith(() => readPretrainedT5(dir), ErrorCodes.CHECKPOINT_MISMATCH, /has 129 tokens, more than vocab_size 128/);
  assert.equal(config.vocab_size, 128);
});

test('an encoder-decoder checkpoint saves and reads back whole, with tokenizer files for transformers', async () => {
  const root = await tempDir();
  const src = await readPretrainedT5(fixture('t5-v1_1-tiny'));
  assert.ok(src.tokenizerJson !== undefined);
  const parts = {
    arch: 't5' as const, config: src.config, weights: src.weights, tokenizerJson: src.tokenizerJson,
    trainerState: { step: 3 }, optimizer: new Map([['m.shared.weight', src.weights.get('shared.weight')!]]),
  };
  const saved = await saveCheckpoint(root, 3, parts);
  assert.deepEqual(await readCheckpoint(saved.dir), parts);
  assert.equal(await readFile(join(saved.dir, 'config.json'), 'utf8'), await readFile(join(fixture('t5-v1_1-tiny'), 'config.json'), 'utf8'));
  const { _from_model_config: _, ...generation } = JSON.parse(await readFile(join(fixture('t5-v1_1-tiny'), 'generation_config.json'), 'utf8'));
  assert.deepEqual(JSON.parse(await readFile(join(saved.dir, 'generation_config.json'), 'utf8')), generation);
  const tokenizerConfig = JSON.parse(await readFile(join(saved.dir, 'tokenizer_config.json'), 'utf8'));
  assert.equal(tokenizerConfig.tokenizer_class, 'PreTrainedTokenizerFast');
  assert.deepEqual([tokenizerConfig.eos_token, tokenizerConfig.pad_token, tokenizerConfig.unk_token], ['</s>', '<pad>', '<unk>']);
  await mkdir(join(root, 'other'));
  await rejectsWith(() => saveCheckpoint(join(root, 'other'), 1, { ...parts, config: { ...parts.config, numDecoderLayers: 2 } }),
    ErrorCodes.CHECKPOINT_MISMATCH, /has tensors T5ForConditionalGeneration of this config does not: decoder\.block\.2/);
});
