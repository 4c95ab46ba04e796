/**
 * `lamini operator NAME` processes on the real broker against the scripted teacher: planner, dedup and
 * sink once, generate and respond twice each (members of one group). N examples committed, none twice.
 * Then the crash test: `kill -9` generate, respond, dedup and the sink at random moments (a seeded
 * PRNG; LAMINI_TEST_SEED reproduces a run) over a 500-example run and restart them: every example id
 * exactly once, no task lost, and the teacher was asked twice only for work in flight at a kill. Short
 * group session timeouts (3 s) so a killed member's partitions move on quickly; bounded waits, no sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../corpus/index.ts';
import { uniform } from '../../../operators/planner/rng.ts';
import { kafkaTransport as pipelineTransport } from '../../../streams/kafka/settings.ts';
import { highestPlannedTask } from '../../../streams/scan.ts';
import { parseChatRequest } from '../../../teacher/local/wire.ts';
import { kafkaBrokers, randomName, waitFor } from '../../helpers/kafka.ts';
import { committedIds, killHard, lamini, startLamini, stopAll, type LaminiProcess } from '../../helpers/cli.ts';
import { isGenerationRequest, startScriptedTeacher, type ScriptedTeacher } from '../../helpers/scripted-teacher.ts';

interface Setup {
  dir: string;
  brokers: string;
  prefix: string;
  args: (name: string) => string[];
}

function setup(teacher: ScriptedTeacher, brokers: string, extra: Record<string, unknown> = {}): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-ops-'));
  const config = join(dir, 'lamini.config.json');
  const prefix = `${randomName('lamini-test')}.`;
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 50, maxAgeMs: 300 }, teacher: { concurrency: 4, prices: { scripted: { input: 1000, output: 1000 } } },
    kafka: { topicPrefix: prefix, partitions: 4, sessionTimeoutMs: 3000 }, ...extra,
  }));
  const args = (name: string): string[] => ['operator', name, '--brokers', brokers, '--data-dir', dir, '--config', config,
    '--teacher-url', teacher.baseURL, '--model', 'scripted'];
  return { dir, brokers, prefix, args };
}

/**
 * Every planned task done: the planner stopped (target reached) and the manifest's watermark reached the
 * highest task in the tasks topic with none open above it. A lost task keeps the watermark below it.
 */
async function drained(s: Setup, planner: LaminiProcess, timeoutMs: number, context = '', alive: () => void = () => {}): Promise<void> {
  await waitFor(() => {
    alive();
    return planner.child.exitCode !== null;
  }, { timeoutMs, what: `the planner to reach its target${context} (${planner.stderr().slice(-2000)})` });
  assert.equal(planner.child.exitCode, 0, `${planner.stderr()}${context}`);
  const transport = pipelineTransport({ brokers: s.brokers.split(','), partitions: 4, prefix: s.prefix });
  const highest = await highestPlannedTask(transport, `${s.prefix}tasks`).finally(() => transport.close());
  let progress = {};
  await waitFor(async () => {
    alive();
    const m = await readManifest(s.dir);
    progress = { watermark: m.progress.task_watermark, open: m.progress.done_tasks_above };
    return m.progress.task_watermark >= highest && m.progress.done_tasks_above.length === 0;
  }, { timeoutMs, intervalMs: 500, what: `the sink to commit every planned task up to ${highest}${context}` }).catch((error: unknown) => {
    throw new Error(`${String(error)} (manifest: ${JSON.stringify(progress)})`);
  });
}

/** Teacher requests whose exact body was asked before, by kind (a generation prompt or a response). */
function duplicateRequests(teacher: ScriptedTeacher): { generate: number; respond: number } {
  const seen = new Set<string>();
  const dup = { generate: 0, respond: 0 };
  for (const r of teacher.requests) {
    const h = createHash('sha256').update(JSON.stringify(r.body)).digest('hex');
    const parsed = parseChatRequest(r.body);
    if (seen.has(h)) dup[parsed.ok && isGenerationRequest(parsed.request) ? 'generate' : 'respond']++;
    seen.add(h);
  }
  return dup;
}

test('operator processes: 2 generate and 2 respond members with planner, dedup and sink commit N examples, none twice', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher();
  const s = setup(teacher, brokers);
  const { dir, args } = s;
  const procs = [startLamini(args('sink')), startLamini(args('dedup')), ...[1, 2].flatMap(() => [startLamini(args('generate')), startLamini(args('respond'))])];
  const planner = startLamini([...args('planner'), '--target', '200']);
  try {
    await drained(s, planner, 120_000);
    const all = await committedIds(dir);
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
  const s = setup(teacher, brokers);
  const { dir, args } = s;
  const procs = [startLamini(args('sink')), startLamini(args('dedup')), startLamini(args('generate')), startLamini(args('respond'))];
  // $0.001 a token: a task (one generation call, then a call per kept instruction) costs about $1.7, and up to
  // 16 tasks (partitions x concurrency) go out before the first spend is committed: the limit leaves room for them.
  const planner = startLamini([...args('planner'), '--max-cost', '60']);
  try {
    await drained(s, planner, 120_000);
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
    const all = await committedIds(dir);
    assert.equal(new Set(all).size, all.length, 'no example is committed twice');
  } finally {
    await stopAll([planner, ...procs]);
    await teacher.close();
  }
});

type Role = 'generate' | 'respond' | 'dedup' | 'sink';
const ROLES: readonly Role[] = ['generate', 'respond', 'dedup', 'sink'];

/** A kill: when the corpus holds `atExamples` examples, `kill -9` member `member` of `role`, restart it. */
interface Kill {
  role: Role;
  member: number;
  atExamples: number;
}

/** `rounds` kills of each role at random points of the first 80% of the run, in order; a pure function of the seed. */
function killPlan(seed: number, rounds: number, target: number): Kill[] {
  const plan: Kill[] = [];
  for (let round = 0; round < rounds; round++) {
    ROLES.forEach((role, r) => {
      const u = uniform(seed, round, r, 0);
      const member = role === 'generate' || role === 'respond' ? Math.floor(uniform(seed, round, r, 1) * 2) : 0;
      plan.push({ role, member, atExamples: Math.floor(target * (0.05 + 0.75 * u)) });
    });
  }
  return plan.sort((a, b) => a.atExamples - b.atExamples);
}

test('crash: kill -9 generate, respond, dedup and the sink at random moments, restart them; every example once, only in-flight work asked twice', async () => {
  const seed = process.env.LAMINI_TEST_SEED === undefined ? randomInt(2 ** 31) : Number(process.env.LAMINI_TEST_SEED);
  const target = 500;
  const plan = killPlan(seed, 2, target);
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher({
    script: async (ctx) => {
      await new Promise((r) => setTimeout(r, 5));
      return ctx.fallback();
    },
  });
  // No response cache: every request a restarted operator repeats reaches the scripted teacher and is counted.
  // Dedup snapshots often, so a kill usually finds positions to replay between its snapshot and its commits.
  const s = setup(teacher, brokers, {
    teacher: { concurrency: 4, cache: false }, dedup: { snapshotEveryRecords: 40, snapshotEveryMs: 500 },
  });
  const { dir, args } = s;
  const context = ` [LAMINI_TEST_SEED=${seed}; kills ${plan.map((k) => `${k.role}#${k.member}@${k.atExamples}`).join(' ')}; logs ${dir}/*.log]`;
  console.log(`crash test${context}`);
  // Each process's stderr goes to <dir>/<role>.log too, to read after a failure.
  const operator = (role: Role | 'planner', more: string[] = []): LaminiProcess =>
    startLamini([...args(role), ...more], { logFile: join(dir, `${role}.log`) });
  const members: Record<Role, LaminiProcess[]> = {
    sink: [operator('sink')], dedup: [operator('dedup')], generate: [operator('generate'), operator('generate')],
    respond: [operator('respond'), operator('respond')],
  };
  const killed: LaminiProcess[] = [];
  const planner = operator('planner', ['--target', String(target)]);
  // An operator that exits on its own (not killed by the test) fails the test at once, with its stderr.
  const alive = (): void => {
    const gone = Object.values(members).flat().find((p) => !p.running);
    if (gone !== undefined) throw new Error(`${gone.args[1]} exited on its own (${String(gone.child.exitCode)}): ${gone.stderr().slice(-2000)}${context}`);
  };
  try {
    for (const kill of plan) {
      await waitFor(async () => {
        alive();
        return (await readManifest(dir)).totals.examples >= kill.atExamples;
      }, {
        timeoutMs: 90_000, intervalMs: 100, what: `${kill.atExamples} examples before killing ${kill.role}#${kill.member}${context}`,
      });
      const victim = members[kill.role][kill.member]!;
      await killHard(victim);
      killed.push(victim);
      members[kill.role][kill.member] = operator(kill.role);
    }
    // No task lost: every planned one done (the watermark reaches the highest task in the tasks topic).
    await drained(s, planner, 150_000, context, alive);
    // Every restarted dedup that got as far as restoring (a kill may come while one is still starting)
    // restored its index from its snapshot, and replayed up to its group's commits; the last one did.
    // The pipeline may drain before the last restarted dedup has started (it had nothing left to do): wait for it.
    const lastDedup = members.dedup.at(-1);
    if (lastDedup !== undefined) {
      await waitFor(() => lastDedup.stderr().includes('kept instructions from'), { timeoutMs: 60_000, what: `the last dedup to restore${context}` });
    }
    const dedupLogs = [...killed, ...members.dedup].filter((p) => p.args[1] === 'dedup').slice(1).map((p) => p.stderr());
    for (const log of [...dedupLogs.filter((l) => l.includes('kept instructions from')), dedupLogs.at(-1)!]) {
      assert.match(log, /dedup: restored \d+ kept instructions from .*\.snapshot/, `${log.slice(-1500)}${context}`);
    }
    console.log(`crash test: dedup restarts ${dedupLogs.map((l) => /replayed (\d+) records/.exec(l)?.[1] ?? '-').join(', ')} records replayed${context}`);

    const all = await committedIds(dir);
    assert.ok(all.length >= target, `committed ${all.length}${context}`);
    assert.equal(new Set(all).size, all.length, `every example id exactly once${context}`);

    // Work in flight at a kill is at most one polled batch per member: B = max(16, 2 × teacher concurrency 4)
    // = 16 records (streams/runner.ts). A killed generate/respond member's batch is redone by whoever gets its
    // partitions (≤ B); when the restarted member rejoins, partitions move from the surviving member, whose
    // batch in flight on them is redone too (≤ B). A killed dedup re-forwards its uncommitted batch (≤ B
    // instructions), each asked for a response again. Killing the sink costs no teacher call. One more batch
    // per group covers a member starved of CPU past its session on a loaded machine (an unplanned rebalance).
    const B = 16;
    const kills = (role: Role): number => plan.filter((k) => k.role === role).length;
    const bound = { generate: B * (2 * kills('generate') + 1), respond: B * (2 * kills('respond') + kills('dedup') + 1) };
    const dup = duplicateRequests(teacher);
    console.log(`crash test: ${teacher.count} teacher requests, asked twice ${JSON.stringify(dup)}, bound ${JSON.stringify(bound)}${context}`);
    assert.ok(dup.generate <= bound.generate, `generation requests asked twice: ${dup.generate} > ${bound.generate}${context}`);
    assert.ok(dup.respond <= bound.respond, `response requests asked twice: ${dup.respond} > ${bound.respond}${context}`);
  } finally {
    await stopAll([planner, ...Object.values(members).flat(), ...killed]);
    await teacher.close();
  }
});
