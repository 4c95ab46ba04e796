/**
 * What a user meets when the input is wrong: one line on stderr, a non-zero exit, and nothing committed lost
 * (a corrupt latest checkpoint is reported, not deleted or overwritten). Also: `--init` finetunes from any
 * Hugging Face GPT-2 folder, here one written by an earlier run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lamini } from '../../helpers/cli.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { trainByteLevelBpe } from '../../../trainers/tokenizer/index.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';

function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n').filter((l) => l.startsWith('lamini: ') && !/^lamini: (training on|native TensorFlow)/.test(l));
  const last = lines.at(-1) ?? '';
  assert.match(last, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('train errors are one line: empty corpus, unknown preset, corrupt checkpoint (kept), another architecture', async (t) => {
  const empty = await tempDir(t, 'lamini-train-err-');
  const r1 = await lamini(['train', '--data-dir', empty, '--steps', '2']);
  assert.equal(r1.code, 1);
  oneLine(r1.stderr, /no example rows to train on yet/);

  const r2 = await lamini(['train', '--data-dir', empty, '--preset', 'huge']);
  assert.equal(r2.code, 2);
  oneLine(r2.stderr, /--preset must be one of tiny, small, gpt2, .*t5-tiny.*; got "huge"/);

  const dir = await tempDir(t, 'lamini-train-err-');
  await makeCorpus(dir, { examples: 40, perShard: 20 });
  const out = join(dir, 'checkpoints');
  const ok = await lamini(['train', '--data-dir', dir, '--steps', '2', '--save-every', '1', '--eval-percent', '0']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual((await readdir(out)).sort(), ['checkpoint-1', 'checkpoint-2']);

  // --init from a folder this trainer wrote: a Hugging Face GPT-2 folder like any other.
  const init = await lamini(['train', '--data-dir', dir, '--init', join(out, 'checkpoint-2'), '--out', join(dir, 'finetuned'), '--steps', '2', '--eval-percent', '0']);
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stderr, /finetuning .*checkpoint-2/);
  assert.match(init.stderr, /checkpoint-2\n/);

  const weights = join(out, 'checkpoint-2', 'model.safetensors');
  const original = await readFile(weights);
  await writeFile(weights, original.subarray(0, 100));
  const r3 = await lamini(['train', '--data-dir', dir, '--steps', '4']);
  assert.equal(r3.code, 1);
  oneLine(r3.stderr, /model\.safetensors/);
  assert.equal((await readFile(weights)).length, 100, 'the damaged checkpoint is left for the user to look at');
  assert.deepEqual((await readdir(out)).sort(), ['checkpoint-1', 'checkpoint-2'], 'nothing new was written over it');

  const t5 = join(dir, 't5');
  await cp(join(out, 'checkpoint-1'), t5, { recursive: true });
  const config = JSON.parse(await readFile(join(t5, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(t5, 'config.json'), JSON.stringify({ ...config, model_type: 't5', architectures: ['T5ForConditionalGeneration'] }));
  const r4 = await lamini(['train', '--data-dir', dir, '--init', t5, '--out', join(dir, 'other'), '--steps', '2']);
  assert.equal(r4.code, 1);
  // config.json says T5 (read as one), the weights are GPT-2's: every T5 tensor is missing.
  oneLine(r4.stderr, /t5\/model\.safetensors has no shared\.weight/);

  // A folder whose tokenizer is not the model's: more tokens than the embedding has rows.
  const foreign = join(dir, 'foreign');
  await cp(join(out, 'checkpoint-1'), foreign, { recursive: true });
  const texts = Array.from({ length: 400 }, (_, i) => `sample ${i} text with words number ${i * 7} and more ${i % 13} tokens`);
  await writeFile(join(foreign, 'tokenizer.json'), trainByteLevelBpe(texts, { vocabSize: 2000, minFrequency: 1 }).toJson());
  const r6 = await lamini(['train', '--data-dir', dir, '--init', foreign, '--out', join(dir, 'other2'), '--steps', '2']);
  assert.equal(r6.code, 1);
  oneLine(r6.stderr, /tokenizer\.json: token id \d+ is outside the model's vocabulary/);

  const r5 = await lamini(['ask', '--checkpoint', join(dir, 'nowhere'), 'hello']);
  assert.equal(r5.code, 1);
  oneLine(r5.stderr, /neither a model folder/);
});
