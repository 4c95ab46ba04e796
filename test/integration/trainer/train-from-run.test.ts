/**
 * The whole path a user takes: `lamini run` grows a corpus, `lamini train --preset tiny --steps 200` trains a
 * student on it with native TensorFlow, lowering the training and the evaluation loss, and `lamini ask` answers
 * with the checkpoint. The run's teacher is the project's scripted OpenAI-compatible server (a test double for a
 * real one): the 135M local teacher's grammar-constrained decoding can take minutes for one reply on a loaded
 * 2-core machine, and its own path is tested in test/integration/cli/local-teacher-run.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lamini } from '../../helpers/cli.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';

interface Logged {
  step: number;
  loss?: number;
  eval_loss?: number;
  tokens_per_second: number;
  lr: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

test('lamini train --preset tiny --steps 200 on a corpus from lamini run lowers training and evaluation loss; lamini ask answers', async (t) => {
  const dir = await tempDir(t, 'lamini-train-run-');
  const teacher = await startScriptedTeacher();
  t.after(() => teacher.close());
  const run = await lamini(['run', '--target', '120', '--data-dir', dir, '--teacher-url', teacher.baseURL, '--model', 'scripted'], {}, 300_000);
  assert.equal(run.code, 0, run.stderr);

  const trained = await lamini([
    'train', '--data-dir', dir, '--preset', 'tiny', '--steps', '200', '--eval-percent', '10', '--eval-every', '50',
    '--json', '--log-every', '1',
  ], {}, 600_000);
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /training on tensorflow:/, 'auto picks the native backend');
  const logs = trained.stdout.trim().split('\n').map((l) => JSON.parse(l) as Logged);
  const steps = logs.filter((e) => e.loss !== undefined);
  assert.equal(steps.length, 200);
  for (const e of steps) {
    assert.ok(e.tokens_per_second > 0 && e.lr >= 0, `step ${e.step} has a speed and a rate`);
  }
  const losses = steps.map((e) => e.loss ?? NaN);
  const early = mean(losses.slice(0, 10));
  const late = mean(losses.slice(-10));
  assert.ok(late < early * 0.8, `training loss fell: first 10 steps ${early.toFixed(3)}, last 10 ${late.toFixed(3)}`);
  const evals = logs.filter((e) => e.eval_loss !== undefined);
  assert.equal(evals[0]?.step, 0, 'the evaluation loss is measured before the first step');
  const before = evals[0]?.eval_loss ?? NaN;
  const after = evals.at(-1)?.eval_loss ?? NaN;
  assert.equal(evals.at(-1)?.step, 200);
  assert.ok(after < before, `evaluation loss fell: ${before.toFixed(3)} before training, ${after.toFixed(3)} after`);

  const asked = await lamini(['ask', '--checkpoint', `${dir}/checkpoints`, 'Name three colours of the rainbow.', '--max-tokens', '24', '--json'], {}, 120_000);
  assert.equal(asked.code, 0, asked.stderr);
  const answer = JSON.parse(asked.stdout) as { response: string; tokens: number; stopped: string; checkpoint: string };
  assert.match(answer.checkpoint, /checkpoint-200$/);
  assert.ok(['end-token', 'max-tokens'].includes(answer.stopped));
  assert.equal(typeof answer.response, 'string');
  assert.ok(answer.tokens >= 1, 'the student says something');
});
