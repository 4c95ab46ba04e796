/**
 * `lamini run` end to end as a user runs it, against the project's scripted OpenAI-compatible teacher
 * (a test double for a real server): a corpus grows, `lamini query` answers while a run writes, a second
 * run adds without duplicates, and the API key never shows up anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lamini } from '../../helpers/cli.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-run-cli-'));
const KEY = 'sk-test-SECRET-7f3a9c21';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]);
}

async function json<T>(args: string[]): Promise<T> {
  const r = await lamini(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

test('a run grows the corpus; query answers while another run writes; a second run adds no duplicates', async () => {
  // The teacher holds every request from index `gateAt` on until the test opens the gate: the second run
  // is then certainly still running (blocked on its teacher) when a query sees what it has committed.
  let gateAt = Number.POSITIVE_INFINITY;
  let openGate = (): void => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const teacher = await startScriptedTeacher({
    script: async (ctx, i) => {
      if (i >= gateAt) await gate;
      return ctx.fallback();
    },
  });
  const dir = tmp();
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ sink: { maxRows: 10, maxAgeMs: 200 }, teacher: { concurrency: 4 } }));
  const base = ['--data-dir', dir, '--config', config, '--teacher-url', teacher.baseURL, '--model', 'scripted'];
  try {
    const first = await lamini(['run', '--target', '20', ...base]);
    assert.equal(first.code, 0, first.stderr);
    const n1 = await json<Array<{ n: number }>>(['query', 'select count(*) as n from examples', '--format', 'json', ...base.slice(0, 4)]);
    assert.ok(n1[0]!.n >= 20);
    const generated = await json<Array<{ n: number }>>(['query', "select count(*) as n from examples where generation_mode <> 'seed'", '--format', 'json', '--data-dir', dir]);
    assert.ok(generated[0]!.n > 0, 'the teacher generated instructions, not only re-answered seeds');

    // A second run writes while we query; after 40 more teacher calls it waits for the gate.
    gateAt = teacher.count + 40;
    const main = fileURLToPath(new URL('../../../cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, [main, 'run', '--target', '200', '--quiet', ...base], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OPENAI_API_KEY: '' },
    });
    let childErr = '';
    child.stderr.on('data', (d: Buffer) => (childErr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let running = true;
    void exited.then(() => (running = false));
    let sawGrowthWhileRunning = false;
    try {
      for (let i = 0; i < 600 && running && !sawGrowthWhileRunning; i++) {
        const r = await lamini(['query', 'select instruction_source, count(*) as n from examples group by 1', '--format', 'json', '--data-dir', dir]);
        assert.equal(r.code, 0, r.stderr);
        const total = (JSON.parse(r.stdout) as Array<{ n: number }>).reduce((s, x) => s + x.n, 0);
        if (total > n1[0]!.n && running) sawGrowthWhileRunning = true;
      }
    } finally {
      openGate();
    }
    assert.equal(await exited, 0, childErr);
    assert.ok(sawGrowthWhileRunning, 'a query saw rows committed by a run that was still writing');

    const ids = await json<Array<{ id: string }>>(['query', 'select id from examples', '--format', 'json', '--data-dir', dir]);
    assert.ok(ids.length >= n1[0]!.n + 200);
    assert.equal(new Set(ids.map((r) => r.id)).size, ids.length, 'no example is committed twice');
  } finally {
    await teacher.close();
  }
});

test('the API key never appears in output, errors, the corpus or its files — even when the server echoes it', async () => {
  const teacher = await startScriptedTeacher({
    script: (ctx, i) => {
      if (i % 4 === 1) return { kind: 'status', status: 401 };
      if (i % 4 === 2) return { kind: 'status', status: 500, message: `upstream failed for key ${KEY}` };
      return ctx.fallback();
    },
  });
  const dir = tmp();
  try {
    const r = await lamini(['run', '--target', '5', '--data-dir', dir, '--teacher-url', teacher.baseURL, '--model', 'scripted'],
      { OPENAI_API_KEY: KEY, LAMINI_TEACHER_CONCURRENCY: '2' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(teacher.requests.some((q) => q.authorization === `Bearer ${KEY}`), 'the key was sent to the server');
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), 'not in output');
    for (const file of filesUnder(dir)) {
      assert.ok(!readFileSync(file).includes(KEY), `not in ${file} (${statSync(file).size} bytes)`);
    }
    const stats = await json<{ dead_letters: { by_reason: Record<string, number> } }>(['stats', '--json', '--data-dir', dir]);
    assert.ok(Object.keys(stats.dead_letters.by_reason).some((k) => k.startsWith('teacher_')), JSON.stringify(stats.dead_letters));
    for (const table of ['examples', 'dead_letters', 'dropped']) {
      const dump = await lamini(['query', `select * from ${table}`, '--format', 'csv', '--data-dir', dir]);
      assert.equal(dump.code, 0, dump.stderr);
      assert.ok(!dump.stdout.includes(KEY), `not in ${table}`);
    }
    const payloads = await lamini(['query', "select decode(payload) as p from dead_letters", '--format', 'csv', '--data-dir', dir]);
    assert.ok(!payloads.stdout.includes(KEY));
  } finally {
    await teacher.close();
  }
});
