/**
 * `lamini train` killed with kill -9 and run again resumes from its last checkpoint and takes exactly the steps
 * an uninterrupted run takes: the same rows in the same order with the same weights and optimizer state, so the
 * same per-step losses. And `--follow` trains on a shard committed while it runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killHard, lamini, startLamini } from '../../helpers/cli.ts';
import { appendShard, corpusExample, makeCorpus } from '../../helpers/corpus-fixture.ts';
import { waitFor } from '../../helpers/wait.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';

interface Logged {
  step: number;
  loss?: number;
  eval_loss?: number;
}

function logged(stdout: string): Logged[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Logged);
}

test('a run killed with kill -9 resumes from its last checkpoint with the same per-step losses', async (t) => {
  const dir = await tempDir(t, 'lamini-train-resume-');
  await makeCorpus(dir, { examples: 120, perShard: 40 });
  const args = (out: string): string[] => [
    'train', '--data-dir', dir, '--out', join(dir, out), '--steps', '40', '--save-every', '10', '--eval-every', '10',
    '--eval-percent', '10', '--json', '--log-every', '1', '--seed', '3', '--backend', 'tensorflow',
  ];
  const whole = await lamini(args('whole'), {}, 300_000);
  assert.equal(whole.code, 0, whole.stderr);
  const reference = new Map(logged(whole.stdout).map((e) => [e.step, e]));
  assert.equal(reference.get(40)?.step, 40);

  const first = startLamini(args('killed'));
  t.after(() => killHard(first));
  await waitFor(() => /checkpoint-10\b/.test(first.stderr()) && logged(first.stdout()).some((e) => e.step >= 14), {
    timeoutMs: 240_000, what: 'step 14 after the checkpoint of step 10',
  });
  await killHard(first);
  const killedAt = Math.max(...logged(first.stdout()).map((e) => e.step));
  assert.ok(killedAt < 40, 'the kill landed before the end');

  const again = await lamini(args('killed'), {}, 300_000);
  assert.equal(again.code, 0, again.stderr);
  const resumedFrom = Number(/resuming at step (\d+)/.exec(again.stderr)?.[1]);
  assert.ok(resumedFrom >= 10 && resumedFrom % 10 === 0 && resumedFrom <= killedAt, `resumed at ${resumedFrom}, killed at ${killedAt}`);
  const resumed = logged(again.stdout);
  assert.deepEqual(resumed.map((e) => e.step), Array.from({ length: 40 - resumedFrom }, (_, i) => resumedFrom + 1 + i));
  // Once more after the end: nothing to do, and nothing written over the last checkpoint.
  const done = await lamini(args('killed'), {}, 120_000);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stderr, /reached the last step at step 40; nothing new to save/);
  assert.equal(done.stdout.trim(), '', 'no step is taken');
  for (const e of resumed) {
    const ref = reference.get(e.step);
    assert.ok(ref?.loss !== undefined && e.loss !== undefined, `step ${e.step} has a loss`);
    assert.ok(Math.abs(ref.loss - e.loss) <= 1e-4 * Math.max(1, Math.abs(ref.loss)), `step ${e.step}: ${e.loss} vs ${ref.loss}`);
    if (ref.eval_loss !== undefined) assert.ok(Math.abs(ref.eval_loss - (e.eval_loss ?? NaN)) <= 1e-4, `eval at step ${e.step}`);
  }
});

test('--follow trains on a shard committed during training, at a pass boundary recorded in the cursor', async (t) => {
  const dir = await tempDir(t, 'lamini-train-follow-');
  const manifest = await makeCorpus(dir, { examples: 40, perShard: 20 });
  const before = manifest.tables.examples.shards.at(-1)?.seq ?? 0;
  const out = join(dir, 'checkpoints');
  const run = startLamini([
    'train', '--data-dir', dir, '--out', out, '--follow', '--epochs', '1', '--steps', '7', '--batch-size', '8',
    '--eval-percent', '0', '--json', '--log-every', '1', '--save-every', '100', '--backend', 'tensorflow',
  ]);
  t.after(() => killHard(run));
  await waitFor(() => logged(run.stdout()).some((e) => e.step >= 3), { timeoutMs: 120_000, what: 'step 3' });
  const added = await appendShard(dir, Array.from({ length: 16 }, (_, i) => corpusExample(1000 + i)));
  assert.equal(await run.exited, 0, run.stderr());
  assert.deepEqual(logged(run.stdout()).map((e) => e.step), [1, 2, 3, 4, 5, 6, 7]);
  const state = JSON.parse(await readFile(join(out, 'checkpoint-7', 'trainer_state.json'), 'utf8')) as {
    cursor: { epoch: number; fromSeq: number; toSeq: number; coveredTo: number; position: number };
    examples_seen: number;
  };
  const newSeq = added.tables.examples.shards.at(-1)?.seq;
  assert.deepEqual(
    { epoch: state.cursor.epoch, fromSeq: state.cursor.fromSeq, toSeq: state.cursor.toSeq, coveredTo: state.cursor.coveredTo, position: state.cursor.position },
    { epoch: 0, fromSeq: before, toSeq: newSeq, coveredTo: newSeq, position: 16 },
  );
  assert.equal(state.examples_seen, 56, 'all 40 first rows, then the 16 committed during training');
});
