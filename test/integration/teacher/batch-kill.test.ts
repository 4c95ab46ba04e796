/**
 * Batch mode survives a whole-process kill: `lamini run --teacher-mode batch` is SIGKILLed once the scripted
 * server holds its first batch (created, not yet downloadable) and the run has stored the batch id; the same
 * command run again attaches to the stored batch instead of submitting its requests again. The server saw each
 * request in exactly one batch, and the corpus holds every example once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lamini } from '../../helpers/cli.ts';
import { waitFor } from '../../helpers/kafka.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const MAIN = fileURLToPath(new URL('../../../cli/main.ts', import.meta.url));

test('batch mode: a run killed between batch create and download resumes the stored batch, with no second batch for its requests', async () => {
  const teacher = await startScriptedTeacher({ model: 'gpt-4o-mini', holdBatches: true });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-batch-kill-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 10, maxAgeMs: 200 },
    teacher: { concurrency: 4, batchSize: 50, batchFlushMs: 200, batchPollMs: 50 },
  }));
  const args = ['run', '--target', '20', '--teacher-mode', 'batch', '--teacher-url', teacher.baseURL, '--model', 'gpt-4o-mini', '--data-dir', dir, '--config', config];
  const stateDir = join(dir, 'cache', 'teacher', 'batches');
  try {
    const first = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
    const firstExit = new Promise<NodeJS.Signals | null>((resolve) => first.on('close', (_code, signal) => resolve(signal)));
    // The server holds the batch (in progress); the run stores its id right after the create returns.
    await waitFor(() => teacher.batchesCreated >= 1 && existsSync(stateDir) && readdirSync(stateDir).some((f) => f.endsWith('.json')), {
      timeoutMs: 60_000, what: `the first run to create and store a batch (${firstErr.slice(-1000)})`,
    });
    first.kill('SIGKILL');
    assert.equal(await firstExit, 'SIGKILL');
    const created = teacher.batchesCreated;
    assert.equal(created, 1, 'one batch went out before the kill');
    const killedBatch = teacher.batchCustomIds[0]!;
    assert.ok(killedBatch.length > 0);
    assert.equal(teacher.count, 0, 'no online call was made');

    teacher.releaseBatches(); // the provider finishes the batch while nobody is polling
    const second = await lamini(args);
    assert.equal(second.code, 0, second.stderr);

    const all = teacher.batchCustomIds.flat();
    assert.equal(new Set(all).size, all.length, 'every request went out in exactly one batch');
    assert.ok(teacher.batchCustomIds.slice(1).every((ids) => ids.every((id) => !killedBatch.includes(id))), 'the resumed run did not submit the killed batch again');
    assert.ok(teacher.batchesCreated > 1, 'the resumed run went on with new batches for new requests');
    assert.equal(teacher.count, 0, 'still no online call');
    assert.deepEqual(readdirSync(stateDir).filter((f) => f.endsWith('.json')), [], 'delivered batches are forgotten');

    const q = await lamini(['query', 'select count(*) as n, count(distinct id) as d from examples', '--format', 'json', '--data-dir', dir]);
    assert.equal(q.code, 0, q.stderr);
    const { n, d } = (JSON.parse(q.stdout) as Array<{ n: number; d: number }>)[0]!;
    assert.ok(n >= 20, `committed ${n}`);
    assert.equal(d, n, 'every example once');
  } finally {
    await teacher.close();
  }
});
