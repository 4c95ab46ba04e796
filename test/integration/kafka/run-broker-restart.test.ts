/**
 * A whole `lamini run --transport kafka` through a broker crash: the broker is killed (SIGKILL) once the
 * corpus has examples, comes back a few seconds later on the same address with its data, and the run
 * waits, reconnects and finishes: exit 0, at least N examples, every id once. Runs on a broker of its
 * own (its own state dir) so the shared test broker and the other test files are not disturbed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../corpus/index.ts';
import { randomName, startBroker, stopBroker, testStateDir, waitFor } from '../../helpers/kafka.ts';
import { committedIds, startLamini, stopAll } from '../../helpers/cli.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const stateDir = join(testStateDir, '..', 'run-restart-broker');

after(async () => {
  await stopBroker(stateDir);
});

test('lamini run on Kafka waits through a broker crash and restart, reconnects and finishes: N examples, every id once', async () => {
  await stopBroker(stateDir, { kill: true }); // a leftover from an interrupted run
  const brokers = (await startBroker(stateDir, { LAMINI_KAFKA_HEAP: '512m' })).join(',');
  const teacher = await startScriptedTeacher({
    script: async (ctx) => {
      await new Promise((r) => setTimeout(r, 5));
      return ctx.fallback();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-broker-restart-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 40, maxAgeMs: 300 }, teacher: { concurrency: 4 },
    kafka: { topicPrefix: `${randomName('lamini-test')}.`, partitions: 4, sessionTimeoutMs: 3000 },
  }));
  const target = 300;
  const run = startLamini(['run', '--transport', 'kafka', '--brokers', brokers, '--instances', '2', '--target', String(target),
    '--data-dir', dir, '--config', config, '--teacher-url', teacher.baseURL, '--model', 'scripted'], { logFile: join(dir, 'run.log') });
  try {
    const before = await waitFor(async () => {
      const n = (await readManifest(dir)).totals.examples;
      return n >= 60 && n;
    }, { timeoutMs: 120_000, intervalMs: 100, what: `a first part of the run (${run.stderr().slice(-1500)})` });
    assert.ok(before < target, `the broker goes down mid-run (${before} of ${target} committed)`);

    await stopBroker(stateDir, { kill: true });
    // The outage: the run must neither exit nor give up while the broker is away (the wait ends early only if it exits).
    const downFor = 5_000;
    const exited = await waitFor(() => !run.running, { timeoutMs: downFor, what: 'the outage' }).catch(() => false);
    assert.equal(exited, false, `the run exited while the broker was down: ${run.stderr().slice(-2000)}`);
    assert.deepEqual((await startBroker(stateDir, { LAMINI_KAFKA_HEAP: '512m' })).join(','), brokers, 'the broker came back on its address');

    await waitFor(() => !run.running, { timeoutMs: 180_000, what: `the run to finish after the restart (${run.stderr().slice(-3000)})` });
    assert.equal(await run.exited, 0, `the run finished after the restart: ${run.stderr().slice(-3000)}`);
    assert.match(run.stderr(), /kafka: .*unreachable|waiting for the broker|reconnect/i, 'the run said the broker was away');
    const ids = await committedIds(dir);
    assert.ok(ids.length >= target, `committed ${ids.length}`);
    assert.equal(new Set(ids).size, ids.length, 'every example id exactly once');
  } finally {
    await stopAll([run]);
    await teacher.close();
  }
});
