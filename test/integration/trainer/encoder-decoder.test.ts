/**
 * The encoder-decoder path through the real command: `lamini train --arch encoder-decoder --preset t5-tiny`
 * overfits 32 examples below 0.5 nats per token (the mean of the last two steps: one pass over all 32), says its
 * memory figure first, and `lamini ask` answers a trained instruction with the trained response; a preset of the
 * other family is a one-line usage error; `--help` lists the paper's presets with their sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lamini } from '../../helpers/cli.ts';
import { defaultText, makeCorpus } from '../../helpers/corpus-fixture.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';

test('lamini train --arch encoder-decoder --preset t5-tiny overfits 32 examples; lamini ask answers with the T5 student', async (t) => {
  const dir = await tempDir(t, 'lamini-train-t5-');
  await makeCorpus(dir, { examples: 32, perShard: 16 });
  const trained = await lamini([
    'train', '--data-dir', dir, '--arch', 'encoder-decoder', '--preset', 't5-tiny', '--steps', '120', '--batch-size', '16',
    '--eval-percent', '0', '--json', '--log-every', '1', '--threads', '1',
  ], {}, 300_000);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /lamini: memory estimate \d+ MB \(weights/);
  assert.match(trained.stderr, /T5 \(ReLU, tied head\), 2\+2 layers, d 64/);
  const losses = trained.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss?: number }).flatMap((e) => (e.loss === undefined ? [] : [e.loss]));
  assert.equal(losses.length, 120);
  const lastPass = ((losses.at(-1) ?? NaN) + (losses.at(-2) ?? NaN)) / 2;
  assert.ok(lastPass < 0.5, `last pass ${lastPass.toFixed(4)} nats per token (first step ${losses[0]?.toFixed(2)})`);

  const example = defaultText(3);
  const asked = await lamini(['ask', '--checkpoint', `${dir}/checkpoints`, example.instruction, '--max-tokens', '64', '--json'], {}, 120_000);
  assert.equal(asked.code, 0, asked.stderr);
  const answer = JSON.parse(asked.stdout) as { response: string; family: string; finish_reason: string; checkpoint: string };
  assert.equal(answer.family, 'encoder-decoder');
  assert.match(answer.checkpoint, /checkpoint-120$/);
  assert.equal(answer.response, example.response);
  assert.equal(answer.finish_reason, 'eos');

  const wrong = await lamini(['train', '--data-dir', dir, '--arch', 'encoder-decoder', '--preset', 'tiny', '--steps', '1']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /--preset tiny is decoder-only, not --arch encoder-decoder/);
  assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);

  const help = await lamini(['train', '--help']);
  for (const [name, size] of [['flan-t5-base', '247.6M'], ['t5-large', '737.7M'], ['gpt2-xl', '1.56B'], ['gpt2-medium', '354.8M']] as const) {
    assert.match(help.stdout, new RegExp(`${name} +${size.replace('.', '\\.')} +[\\d.]+ [MG]B`), name);
  }
});
