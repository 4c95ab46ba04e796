/**
 * Scale-out with the defaults (issue 15, item 2): examples/s of a multi-process pipeline (`lamini operator`:
 * planner, dedup, sink, and N generate + N respond members) against a scripted teacher with a fixed 200 ms
 * latency, for 1 + 1 and 4 + 4 members, same run, interleaved per iteration. Nothing is tuned: default config
 * (12 partitions, sink.maxAgeMs 60 s, teacher concurrency 8). Every member starts first with --until-drained and
 * the planner only once all of them joined their groups; the rate is examples committed over the time from the
 * planner's first task to the last example made (its created_at), so process start-up and the final drain are
 * left out. Goal: 4 + 4 ≥ 3.5 × 1 + 1. Prints one JSON line.
 *
 *   node bench/kafka/scale-out.ts [--examples 1000] [--iterations 2] [--members 1,4] [--latency 200]
 *
 * Broker: LAMINI_KAFKA_BROKERS, else the test broker from infra/kafka (started if needed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GroupMemberReader } from '../../streams/kafka/index.ts';
import { committedIds, lamini, startLamini, stopAll, type LaminiProcess } from '../../test/helpers/cli.ts';
import { kafkaBrokers, randomName, waitFor } from '../../test/helpers/kafka.ts';
import { startUniqueTeacher } from '../pipeline/unique-teacher.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '1000' },
    iterations: { type: 'string', default: '2' },
    members: { type: 'string', default: '1,4' },
    latency: { type: 'string', default: '200' },
  },
});
const EXAMPLES = Number(values.examples);
const ITERATIONS = Number(values.iterations);
const MEMBERS = values.members.split(',').map(Number);
const LATENCY_MS = Number(values.latency);

const brokers = await kafkaBrokers();
const teacher = await startUniqueTeacher({ model: 'scripted', latencyMs: LATENCY_MS });

interface Result { members: number; examples_per_s: number; committed: number; seconds: number }

async function run(members: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-bench-scale-'));
  const prefix = `${randomName('bench-scale')}.`;
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ kafka: { topicPrefix: prefix } }));
  const args = (name: string, ...more: string[]): string[] => ['operator', name, '--brokers', brokers.join(','), '--data-dir', dir, '--config', config,
    '--teacher-url', teacher.baseURL, '--model', 'scripted', ...more];
  const procs: LaminiProcess[] = ['sink', 'dedup', ...Array.from({ length: members }, () => ['generate', 'respond']).flat()]
    .map((name) => startLamini(args(name, '--until-drained')));
  const reader = new GroupMemberReader({ clientId: 'bench-scale', brokers }, [`${prefix}generate`, `${prefix}respond`]);
  try {
    await waitFor(async () => (await reader.count()) === 2 * members, { timeoutMs: 120_000, intervalMs: 500, what: `${2 * members} members to join` });
    const planner = startLamini(args('planner', '--target', String(EXAMPLES)));
    procs.push(planner);
    await waitFor(() => procs.every((p) => !p.running), { timeoutMs: 600_000, intervalMs: 500, what: 'every process to finish' });
    const codes = await Promise.all(procs.map((p) => p.exited));
    if (codes.some((c) => c !== 0)) throw new Error(`exit codes ${JSON.stringify(codes)}: ${procs.map((p) => p.stderr().slice(-400)).join(' | ')}`);
    const started = /^(\S+) planner: run seed/m.exec(planner.stderr())?.[1];
    const last = await lamini(['query', 'select max(epoch_ms(created_at)) as t from examples', '--format', 'json', '--data-dir', dir]);
    const lastAt = (JSON.parse(last.stdout) as Array<{ t: number }>)[0]?.t ?? 0;
    const committed = (await committedIds(dir)).length;
    const seconds = (lastAt - Date.parse(started ?? '')) / 1000;
    return { members, examples_per_s: Math.round((committed / seconds) * 10) / 10, committed, seconds: Math.round(seconds * 10) / 10 };
  } finally {
    await stopAll(procs);
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const loadBefore = loadavg()[0];
const runs: Result[] = [];
for (let i = 0; i < ITERATIONS; i++) for (const m of i % 2 === 0 ? MEMBERS : [...MEMBERS].reverse()) runs.push(await run(m));
await teacher.close();
const byMembers = Object.fromEntries(MEMBERS.map((m) => [m, median(runs.filter((r) => r.members === m).map((r) => r.examples_per_s))]));
const base = byMembers[MEMBERS[0]!] ?? 0;
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch { /* not a checkout */ }
console.log(JSON.stringify({
  name: 'kafka-scale-out', commit, parameters: { examples: EXAMPLES, latency_ms: LATENCY_MS, members: MEMBERS, config: 'defaults' },
  iterations: ITERATIONS, median_examples_per_s: byMembers,
  speedup: Object.fromEntries(MEMBERS.map((m) => [m, Math.round(((byMembers[m] ?? 0) / base) * 100) / 100])), goal: { 4: 3.5 },
  runs, machine: { cpus: cpus().length, load_before: loadBefore, load_after: loadavg()[0] },
}));
