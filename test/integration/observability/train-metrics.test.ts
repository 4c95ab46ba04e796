/**
 * `lamini train --metrics-port 0 --log-format json` on a small corpus (tiny preset, following the corpus so it
 * runs until stopped): the endpoint answers during training with a loss and a throughput; every stderr line is
 * one JSON object with time, level, command and msg, the steps among them with their loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLamini, stopAll } from '../../helpers/cli.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { waitFor } from '../../helpers/wait.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';
import { jsonLines, metricValue, scrape, servedUrl } from './helpers.ts';

test('the metrics endpoint answers during training with a loss; JSON logs parse line by line', async (t) => {
  const dir = await tempDir(t, 'lamini-obs-train-');
  await makeCorpus(dir, { examples: 16, perShard: 8 });
  const train = startLamini([
    'train', '--data-dir', dir, '--preset', 'tiny', '--follow', '--batch-size', '4', '--log-every', '1', '--eval-percent', '0',
    '--threads', '1', '--save-every', '1000', '--metrics-port', '0', '--log-format', 'json',
  ]);
  try {
    const url = await waitFor(() => servedUrl(train.stderr()), { timeoutMs: 60_000, what: 'the metrics line' });
    const text = await waitFor(async () => {
      const body = await scrape(url);
      return (metricValue(body, 'lamini_train_step', { model: 'tiny' }) ?? 0) >= 2 ? body : undefined;
    }, { timeoutMs: 120_000, what: 'two training steps in the metrics' });
    const loss = metricValue(text, 'lamini_train_loss', { model: 'tiny' });
    assert.ok(loss !== undefined && Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    assert.ok((metricValue(text, 'lamini_train_tokens_per_second', { model: 'tiny' }) ?? 0) > 0);
    assert.ok((metricValue(text, 'lamini_train_examples_total', { model: 'tiny' }) ?? 0) >= 8);
    train.child.kill('SIGTERM');
    assert.equal(await train.exited, 130, train.stderr());
  } finally {
    if (train.running) await stopAll([train]);
  }
  const lines = jsonLines(train.stderr());
  for (const l of lines) {
    assert.equal(l['command'], 'train');
    assert.equal(typeof l['time'], 'string');
    assert.equal(typeof l['msg'], 'string');
  }
  const steps = lines.filter((l) => l['msg'] === 'step' && typeof l['loss'] === 'number');
  assert.ok(steps.length >= 2, train.stderr());
  assert.ok(lines.some((l) => String(l['msg']).startsWith('lamini: stopped at step')));
});
