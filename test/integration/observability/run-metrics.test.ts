/**
 * `lamini run --metrics-port 0 --log-format json` as a user runs it, against the scripted teacher: the endpoint
 * answers while the run is held on its teacher, with records read by generate, teacher latencies and queue
 * depths; every stderr line is one JSON object with time, level, command and msg; the API key in the
 * environment reaches none of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLamini, stopAll } from '../../helpers/cli.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';
import { waitFor } from '../../helpers/wait.ts';
import { tempDir } from '../../unit/trainers/train-helpers.ts';
import { jsonLines, metricValue, scrape, servedUrl } from './helpers.ts';

const KEY = 'sk-test-METRICS-4be1d09c';

test('the metrics endpoint answers during a run; JSON logs parse line by line and hold no secret', async (t) => {
  // The teacher answers its first requests, then holds the rest until the test has read the metrics.
  const HELD_FROM = 6;
  let release = (): void => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const teacher = await startScriptedTeacher({
    script: async (ctx, i) => {
      if (i >= HELD_FROM) await held;
      return ctx.fallback();
    },
  });
  const dir = await tempDir(t, 'lamini-obs-run-');
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ sink: { maxRows: 10, maxAgeMs: 200 }, teacher: { concurrency: 2 } }));
  const run = startLamini([
    'run', '--target', '10', '--data-dir', dir, '--config', config, '--teacher-url', teacher.baseURL, '--model', 'scripted',
    '--metrics-port', '0', '--log-format', 'json',
  ], { env: { OPENAI_API_KEY: KEY } });
  try {
    const url = await waitFor(() => servedUrl(run.stderr()), { timeoutMs: 60_000, what: 'the metrics line' });
    const text = await waitFor(async () => {
      const body = await scrape(url);
      const answered = metricValue(body, 'lamini_teacher_request_duration_seconds_count', { model: 'scripted', status: 'ok' }) ?? 0;
      return answered >= HELD_FROM && teacher.count > HELD_FROM ? body : undefined;
    }, { timeoutMs: 60_000, what: 'teacher calls in the metrics' });
    assert.ok((metricValue(text, 'lamini_operator_records_in_total', { operator: 'generate' }) ?? 0) > 0, 'generate read tasks');
    assert.ok((metricValue(text, 'lamini_operator_records_out_total', { operator: 'planner' }) ?? 0) > 0, 'the planner sent tasks');
    assert.ok((metricValue(text, 'lamini_run_tasks_planned_total', {}) ?? 0) > 0);
    for (const operator of ['generate', 'dedup', 'respond', 'sink']) {
      assert.notEqual(metricValue(text, 'lamini_operator_queue_depth', { operator }), undefined, `queue depth of ${operator}`);
    }
    assert.match(text, /^# TYPE lamini_teacher_request_duration_seconds histogram$/m);
    assert.match(text, /^lamini_teacher_request_duration_seconds_bucket\{le="0\.05",model="scripted",status="ok"\} \d+$/m);
    assert.ok((metricValue(text, 'lamini_teacher_tokens_total', { model: 'scripted', kind: 'completion' }) ?? 0) > 0);
    release();
    assert.equal(await run.exited, 0, run.stderr());
  } finally {
    release();
    if (run.running) await stopAll([run]);
    await teacher.close();
  }
  const lines = jsonLines(run.stderr());
  assert.ok(lines.some((l) => /^run: target 10 new examples/.test(String(l['msg']))));
  assert.ok(lines.some((l) => String(l['msg']).startsWith('done: committed') && l['stopped_by'] === 'target' && Number(l['committed']) >= 10));
  assert.ok(lines.some((l) => l['msg'] === 'progress' && typeof l['committed'] === 'number' && l['target'] === 10), 'progress as fields');
  for (const l of lines) {
    assert.equal(l['command'], 'run');
    assert.equal(typeof l['time'], 'string');
    assert.ok(['info', 'warn', 'error'].includes(String(l['level'])), JSON.stringify(l));
  }
  assert.ok(!run.stderr().includes(KEY), 'the API key never reaches a log line');
  assert.ok(teacher.requests.some((r) => r.authorization === `Bearer ${KEY}`), 'the key was in use');
});
