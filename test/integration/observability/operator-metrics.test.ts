/**
 * `lamini operator planner --metrics-port 0 --log-format json` on the test broker: the endpoint answers while the
 * planner waits for its tasks to finish, with the tasks it sent and the groups' lag; every line carries
 * `command: "operator"` and `operator: "planner"`; SIGTERM stops it cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLamini, stopAll } from '../../helpers/cli.ts';
import { kafkaBrokers, randomName, waitFor } from '../../helpers/kafka.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';
import { jsonLines, metricValue, scrape, servedUrl } from './helpers.ts';

test('the metrics endpoint answers during lamini operator on Kafka; its JSON lines name the operator', async (t) => {
  const brokers = await kafkaBrokers();
  const dir = await tempDir(t, 'lamini-obs-operator-');
  const planner = startLamini([
    'operator', 'planner', '--brokers', brokers.join(','), '--topic-prefix', `${randomName('obs')}.`, '--partitions', '1',
    '--target', '5', '--data-dir', dir, '--metrics-port', '0', '--log-format', 'json',
  ]);
  try {
    const url = await waitFor(() => servedUrl(planner.stderr()), { timeoutMs: 60_000, what: 'the metrics line' });
    const text = await waitFor(async () => {
      const body = await scrape(url);
      return (metricValue(body, 'lamini_operator_records_out_total', { operator: 'planner' }) ?? 0) > 0 ? body : undefined;
    }, { timeoutMs: 60_000, what: 'planned tasks in the metrics' });
    for (const operator of ['generate', 'dedup', 'respond', 'sink']) {
      assert.notEqual(metricValue(text, 'lamini_operator_queue_depth', { operator }), undefined, `lag of ${operator}`);
    }
    assert.doesNotMatch(text, /lamini_teacher_/, 'the planner calls no teacher');
    planner.child.kill('SIGTERM');
    assert.equal(await planner.exited, 0, planner.stderr());
  } finally {
    if (planner.running) await stopAll([planner]);
  }
  const lines = jsonLines(planner.stderr());
  assert.ok(lines.length >= 3);
  for (const l of lines) {
    assert.equal(l['command'], 'operator');
    assert.equal(l['operator'], 'planner');
    assert.equal(typeof l['msg'], 'string');
  }
  assert.ok(lines.some((l) => String(l['msg']).startsWith('stopped: ') && typeof l['stats'] === 'object'));
});
