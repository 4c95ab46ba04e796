/**
 * `lamini operator NAME` processes on the real broker against the scripted teacher: planner, dedup and
 * sink once, generate and respond twice each (members of one group). N examples committed, none twice.
 * Then the crash test: `kill -9` a generate process and the sink mid-run, restart them: every example
 * id exactly once, and the teacher was asked twice only for work in flight at the kill. Short group
 * session timeouts (3 s) so a killed member's partitions move on quickly; bounded waits, no sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../corpus/index.ts';
import { lamini, startLamini, type LaminiProcess } from '../../helpers/cli.ts';
import { kafkaBrokers, randomName, waitFor } from '../../helpers/kafka.ts';
import { startScriptedTeacher, type ScriptedTeacher } from '../../helpers/scripted-teacher.ts';

type Proc = LaminiProcess;
const start = (args: string[]): Proc => startLamini(args);

async function stopAll(procs: Proc[]): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((p) => p.exited)), new Promise((r) => setTimeout(r, 20_000))]);
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

async function ids(dir: string): Promise<string[]> {
  const r = await lamini(['query', 'select id from examples', '--format', 'json', '--data-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id);
}

function setup(teacher: ScriptedTeacher, brokers: string): { dir: string; args: (name: string) => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-ops-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 50, maxAgeMs: 300 }, teacher: { concurrency: 4, prices: { scripted: { input: 1000, output: 1000 } } },
    kafka: { topicPrefix: `${randomName('lamini-test')}.`, partitions: 4, sessionTimeoutMs: 3000 },
  }));
  const args = (name: string): string[] => ['operator', name, '--brokers', brokers, '--data-dir', dir, '--config', config,
    '--teacher-url', teacher.baseURL, '--model', 'scripted'];
  return { dir, args };
}

/** Every planned task done: the planner stopped (target reached) and the manifest marks no task open. */
async function drained(dir: string, planner: Proc, timeoutMs: number): Promise<void> {
  await waitFor(() => planner.child.exitCode !== null, { timeoutMs, what: `the planner to reach its target (${planner.stderr().slice(-2000)})` });
  assert.equal(planner.child.exitCode, 0, planner.stderr());
  let last = -2;
  await waitFor(async () => {
    const m = await readManifest(dir);
    const settled = m.progress.done_tasks_above.length === 0 && m.progress.task_watermark === last;
    last = m.progress.task_watermark;
    return settled;
  }, { timeoutMs, intervalMs: 1500, what: 'the sink to commit every planned task' });
}

function duplicateRequests(teacher: ScriptedTeacher): { generate: number; respond: number } {
  const seen = new Set<string>();
  const dup = { generate: 0, respond: 0 };
  for (const r of teacher.requests) {
    const text = JSON.stringify(r.body);
    const h = createHash('sha256').update(text).digest('hex');
    if (seen.has(h)) dup[text.includes('<example>') || text.includes('instructions') ? 'generate' : 'respond']++;
    seen.add(h);
  }
  return dup;
}

test('operator processes: 2 generate and 2 respond members with planner, dedup and sink commit N examples, none twice', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher();
  const { dir, args } = setup(teacher, brokers);
  const procs = [start(args('sink')), start(args('dedup')), ...[1, 2].flatMap(() => [start(args('generate')), start(args('respond'))])];
  const planner = start([...args('planner'), '--target', '200']);
  try {
    await drained(dir, planner, 120_000);
    const all = await ids(dir);
    assert.ok(all.length >= 200, `committed ${all.length}`);
    assert.equal(new Set(all).size, all.length, 'no example is committed twice');
  } finally {
    await stopAll([planner, ...procs]);
    await teacher.close();
  }
});

test('ledger: operator processes send their teacher ledger rows; the sink commits every call into teacher_requests; --max-cost and stats see the spend', async (t) => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher({ model: 'scripted' });
  const { dir, args } = setup(teacher, brokers);
  const procs = [start(args('sink')), start(args('dedup')), start(args('generate')), start(args('respond'))];
  // $0.001 a token: a task (one generation call, then a call per kept instruction) costs about $1.7, and up to
  // 16 tasks (partitions x concurrency) go out before the first spend is committed: the limit leaves room for them.
  const planner = start([...args('planner'), '--max-cost', '60']);
  try {
    await drained(dir, planner, 120_000);
    assert.match(planner.stderr(), /stopping: teacher spend since start \$[\d.]+ is near --max-cost \$60/);
    // Every call was answered on its first attempt and none was a cache hit: one ledger row per HTTP request.
    await waitFor(async () => {
      const r = await lamini(['query', 'select count(*) as n from teacher_requests', '--format', 'json', '--data-dir', dir]);
      return r.code === 0 && (JSON.parse(r.stdout) as Array<{ n: number }>)[0]?.n === teacher.count;
    }, { timeoutMs: 30_000, what: `teacher_requests to hold all ${teacher.count} calls` });
    const stats = await lamini(['stats', '--json', '--data-dir', dir]);
    assert.equal(stats.code, 0, stats.stderr);
    const spent = (JSON.parse(stats.stdout) as { teacher: { requests: number; spend_usd: number; by_model: Record<string, { requests: number; spend_usd: number }> } }).teacher;
    t.diagnostic(`${teacher.count} calls, spend $${spent.spend_usd.toFixed(2)} against --max-cost $60`);
    assert.equal(spent.requests, teacher.count);
    assert.equal(spent.by_model['scripted']?.requests, teacher.count);
    assert.ok(spent.spend_usd > 5, `spend $${spent.spend_usd}`);
    assert.ok(spent.spend_usd <= 60, `the planner stopped before $60: spent $${spent.spend_usd}`);
    const all = await ids(dir);
    assert.equal(new Set(all).size, all.length, 'no example is committed twice');
  } finally {
    await stopAll([planner, ...procs]);
    await teacher.close();
  }
});

test('crash: kill -9 a generate process and the sink mid-run, restart them; every example once, only in-flight work asked twice', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher({
    script: async (ctx) => {
      await new Promise((r) => setTimeout(r, 5));
      return ctx.fallback();
    },
  });
  const { dir, args } = setup(teacher, brokers);
  let sink = start(args('sink'));
  const generate = [start(args('generate')), start(args('generate'))];
  const others = [start(args('dedup')), start(args('respond')), start(args('respond'))];
  const planner = start([...args('planner'), '--target', '600']);
  const restarted: Proc[] = [];
  try {
    await waitFor(async () => (await readManifest(dir)).totals.examples >= 150, { timeoutMs: 60_000, what: 'a first part of the run' });
    generate[0]!.child.kill('SIGKILL');
    sink.child.kill('SIGKILL');
    await Promise.all([generate[0]!.exited, sink.exited]);
    const atKill = (await readManifest(dir)).totals.examples;
    sink = start(args('sink'));
    restarted.push(sink, start(args('generate')));
    await waitFor(async () => (await readManifest(dir)).totals.examples > atKill, { timeoutMs: 60_000, what: 'the restarted sink to commit' });
    await drained(dir, planner, 180_000);
    const all = await ids(dir);
    assert.ok(all.length >= 600, `committed ${all.length}`);
    assert.equal(new Set(all).size, all.length, 'every example id exactly once');
    const dup = duplicateRequests(teacher);
    // In flight at the kill: at most one polled batch (16 records) of the killed generate member. The
    // respond members were not killed, but a member starved of CPU past its 3 s session (a loaded
    // machine) loses its partitions and the other member redoes its batch in flight: at most one batch.
    assert.ok(dup.generate <= 16, `generation requests asked twice: ${dup.generate}`);
    assert.ok(dup.respond <= 16, `response requests asked twice: ${dup.respond}`);
  } finally {
    await stopAll([planner, sink, ...generate, ...others, ...restarted]);
    await teacher.close();
  }
});
