/**
 * Finetuning an encoder-decoder student from a Hugging Face T5 folder (`--init`): the committed tiny Flan-T5-style
 * fixture (gated GELU, untied head, its own 128-piece Unigram tokenizer) learns the corpus at the paper's 5e-4,
 * and its checkpoint keeps the folder's config and tokenizer.json byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestCheckpoint } from '../../../trainers/checkpoint/index.ts';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, tempDir, trainOptions } from './train-helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/t5-v1_1-tiny/', import.meta.url));

test('--init from a T5 v1.1 folder finetunes at 5e-4 and keeps its config and tokenizer', async (t) => {
  const dir = await tempDir(t);
  await makeCorpus(dir, { examples: 16, perShard: 16 });
  const hooks = recordingHooks();
  const result = await train(trainOptions(dir, { init: FIXTURE, steps: 30, batchSize: 8, evalPermille: 0, saveEvery: 1000, warmup: 0 }), hooks);
  assert.equal(result.step, 30);
  assert.ok(hooks.lines.some((l) => l.includes(`finetuning ${FIXTURE}`) && l.includes('T5 v1.1 (gated GELU, untied head)')), hooks.lines.join('\n'));
  const losses = hooks.logs.flatMap((e) => (e.loss === undefined ? [] : [e.loss]));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(losses.slice(-5)) < mean(losses.slice(0, 5)) - 0.5, `loss fell: ${losses.map((l) => l.toFixed(2)).join(' ')}`);

  const saved = await latestCheckpoint(trainOptions(dir).out);
  assert.ok(saved !== undefined);
  const state = JSON.parse(await readFile(join(saved.dir, 'trainer_state.json'), 'utf8'));
  assert.equal(state.schedule.peak, 5e-4, 'the paper\'s encoder-decoder learning rate');
  assert.equal(state.init, FIXTURE);
  for (const file of ['tokenizer.json', 'config.json']) {
    assert.equal(await readFile(join(saved.dir, file), 'utf8'), await readFile(join(FIXTURE, file), 'utf8'), file);
  }
  const special = JSON.parse(await readFile(join(saved.dir, 'special_tokens_map.json'), 'utf8'));
  assert.deepEqual(special, { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' });
});
