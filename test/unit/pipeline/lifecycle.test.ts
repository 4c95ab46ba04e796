import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { waitDrained, writePlanState } from '../../../pipeline/lifecycle.ts';

test('a member is drained once the planner finished after it started and every group up to its own has no lag', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-lifecycle-'));
  const lag = new Map([['generate', 0], ['dedup', 0], ['respond', 3]]);
  let turns = 0;
  const steps: Array<() => Promise<void>> = [
    // An earlier run's finished plan does not count.
    () => writePlanState(dir, { state: 'finished', at: 500 }),
    () => writePlanState(dir, { state: 'planning', at: 1_001 }),
    () => writePlanState(dir, { state: 'finished', at: 1_002, stoppedBy: 'target' }),
    async () => void lag.set('respond', 0),
  ];
  await steps[0]!();
  const drained = await waitDrained({
    stage: 'respond', dataDir: dir, startedAt: 1_000, signal: new AbortController().signal,
    readLag: async () => lag,
    sleep: async () => {
      const step = steps[++turns];
      assert.ok(step !== undefined, 'drained too late');
      await step();
    },
  });
  assert.equal(drained, true);
  assert.equal(turns, 3, 'drained only after the new plan finished and respond\'s lag reached 0');
  // dedup only looks at generate and dedup: drained at once now.
  assert.equal(await waitDrained({ stage: 'dedup', dataDir: dir, startedAt: 1_000, signal: new AbortController().signal, readLag: async () => lag, sleep: async () => {} }), true);
  const stop = new AbortController();
  stop.abort();
  assert.equal(await waitDrained({ stage: 'sink', dataDir: mkdtempSync(join(tmpdir(), 'lamini-lifecycle-')), startedAt: 0, signal: stop.signal, readLag: async () => lag, sleep: async () => {} }), false);
});

test('a planner.json that is not JSON is a one-line CONFIG_INVALID naming the file, not a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-lifecycle-'));
  mkdirSync(join(dir, 'pipeline'));
  writeFileSync(join(dir, 'pipeline', 'planner.json'), '{not json');
  await assert.rejects(
    waitDrained({ stage: 'generate', dataDir: dir, startedAt: 0, signal: new AbortController().signal, readLag: async () => new Map(), sleep: async () => {} }),
    (e: unknown) => e instanceof LaminiError && e.code === ErrorCodes.CONFIG_INVALID && e.message.includes('planner.json') && !e.message.includes('\n'),
  );
});
