/**
 * Issue 15, items 1 and 11, on the real broker against the scripted teacher (20 instructions a generation
 * reply): `--target` means what it says on Kafka (it once committed 225 examples for `--target 20`), in one
 * process and in a multi-process deployment, and a multi-process run ends by itself: the planner exits 0 once
 * its tasks are done, and members started with --until-drained exit 0 once their input is drained.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committedIds, lamini, startLamini, stopAll } from '../../helpers/cli.ts';
import { kafkaBrokers, randomName, waitFor } from '../../helpers/kafka.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

function configFile(dir: string): string {
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ kafka: { topicPrefix: `${randomName('lamini-target')}.`, sessionTimeoutMs: 3000 } }));
  return config;
}

test('regression: lamini run --transport kafka --target 20 commits between 20 and 40 examples (it once committed 225)', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher({ model: 'scripted' });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-target-'));
  try {
    const run = await lamini(['run', '--transport', 'kafka', '--brokers', brokers, '--target', '20', '--data-dir', dir, '--config', configFile(dir),
      '--teacher-url', teacher.baseURL, '--model', 'scripted', '--quiet'], {}, 180_000);
    assert.equal(run.code, 0, run.stderr);
    const ids = await committedIds(dir);
    assert.ok(ids.length >= 20 && ids.length <= 40, `committed ${ids.length} examples for --target 20`);
    assert.equal(new Set(ids).size, ids.length);
  } finally {
    await teacher.close();
  }
});

test('operator processes: planner --target 20 and members with --until-drained all exit 0 by themselves; 20 to 40 examples', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher({ model: 'scripted' });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-lifecycle-'));
  const config = configFile(dir);
  const args = (name: string, ...more: string[]): string[] => ['operator', name, '--brokers', brokers, '--data-dir', dir, '--config', config,
    '--teacher-url', teacher.baseURL, '--model', 'scripted', ...more];
  const members = ['sink', 'dedup', 'generate', 'generate', 'respond', 'respond'].map((name) => startLamini(args(name, '--until-drained')));
  const planner = startLamini(args('planner', '--target', '20'));
  const all = [planner, ...members];
  try {
    await waitFor(() => all.every((p) => !p.running), { timeoutMs: 150_000, what: 'every process to exit by itself' }).catch((error: unknown) => {
      // The processes' last lines as they are at the timeout, not as they were when the wait began.
      throw new Error(`${String(error)}: ${all.filter((p) => p.running).map((p) => `${p.args[1]}: ${p.stderr().slice(-400)}`).join(' | ')}`);
    });
    const codes = await Promise.all(all.map((p) => p.exited));
    assert.deepEqual(codes, all.map(() => 0), all.map((p) => `${p.args[1]}: ${p.stderr().slice(-500)}`).join('\n'));
    assert.match(planner.stderr(), /planner: finished: target reached, every task planned is done/);
    for (const m of members) assert.match(m.stderr(), /drained: the planner finished and there is nothing left to read/, m.stderr());
    const ids = await committedIds(dir);
    assert.ok(ids.length >= 20 && ids.length <= 40, `committed ${ids.length} examples for --target 20`);
    assert.equal(new Set(ids).size, ids.length);
    const stats = await lamini(['stats', '--json', '--data-dir', dir]);
    assert.equal(stats.code, 0, stats.stderr);
  } finally {
    await stopAll(all);
    await teacher.close();
  }
});
