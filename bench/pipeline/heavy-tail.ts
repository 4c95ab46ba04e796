/**
 * Head-of-line blocking (issue 15, item 3): examples/s of an embedded `lamini run` against a teacher whose
 * latency has a heavy tail (95% of calls 200 ms, 5% 10 s) beside one with a uniform latency of the same mean
 * (690 ms), same run, interleaved per iteration. Which calls are slow is a hash of the request, so both
 * teachers see the same work. Goal: heavy-tail ≥ 80% of uniform. Prints one JSON line.
 *
 *   node bench/pipeline/heavy-tail.ts [--examples 300] [--iterations 3] [--concurrency 8]
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../common/config.ts';
import { openCorpus } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { runEmbedded } from '../../pipeline/run.ts';
import { defaultRegistry } from '../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../seeds/index.ts';
import { createTeacher, teacherConfigFromAppConfig } from '../../teacher/index.ts';
import { startUniqueTeacher } from './unique-teacher.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '300' },
    iterations: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
  },
});
const EXAMPLES = Number(values.examples);
const ITERATIONS = Number(values.iterations);
const CONCURRENCY = Number(values.concurrency);
const FAST_MS = 200;
const SLOW_MS = 10_000;
const SLOW_SHARE = 0.05;
const MEAN_MS = (1 - SLOW_SHARE) * FAST_MS + SLOW_SHARE * SLOW_MS;

/** One call in twenty is slow, chosen by a hash of the request body (the same calls in every run). */
const heavyTail = (_index: number, body: unknown): number => {
  const h = createHash('sha256').update(JSON.stringify(body)).digest().readUInt32BE(0);
  return h % 20 === 0 ? SLOW_MS : FAST_MS;
};
const teachers = {
  heavy_tail: await startUniqueTeacher({ model: 'scripted', latencyMs: heavyTail }),
  uniform: await startUniqueTeacher({ model: 'scripted', latencyMs: MEAN_MS }),
};
const seeds = (await loadSeedPool(mkdtempSync(join(tmpdir(), 'lamini-bench-seeds-')), { includeDefaults: true })).seeds;
const topics = await loadTopics();

async function run(kind: keyof typeof teachers): Promise<{ examples_per_s: number; committed: number; seconds: number; slow_calls: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-bench-tail-'));
  const server = teachers[kind];
  const before = server.count;
  const config = defaultConfig();
  config.dataDir = dir;
  config.teacher = { ...config.teacher, baseUrl: server.baseURL, model: 'scripted', concurrency: CONCURRENCY, cache: false };
  config.sink = { maxRows: 5000, maxAgeMs: 1000 };
  const teacher = await createTeacher(teacherConfigFromAppConfig(config.teacher));
  const corpus = await openCorpus(dir);
  try {
    const t0 = performance.now();
    const summary = await runEmbedded({ config, target: EXAMPLES, store: corpusStore(corpus), teacher, seeds, topics, codec: defaultRegistry() });
    const seconds = (performance.now() - t0) / 1000;
    const slow = server.requests.slice(before).filter((r) => heavyTail(r.index, r.body) === SLOW_MS).length;
    return { examples_per_s: Math.round((summary.committed / seconds) * 10) / 10, committed: summary.committed, seconds: Math.round(seconds * 10) / 10, slow_calls: kind === 'heavy_tail' ? slow : 0 };
  } finally {
    await corpus.close();
    await teacher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const loadBefore = loadavg()[0];
const results = { heavy_tail: [] as Awaited<ReturnType<typeof run>>[], uniform: [] as Awaited<ReturnType<typeof run>>[] };
for (let i = 0; i < ITERATIONS; i++) {
  for (const kind of i % 2 === 0 ? (['heavy_tail', 'uniform'] as const) : (['uniform', 'heavy_tail'] as const)) results[kind].push(await run(kind));
}
for (const t of Object.values(teachers)) await t.close();
const heavy = median(results.heavy_tail.map((r) => r.examples_per_s));
const uniform = median(results.uniform.map((r) => r.examples_per_s));
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch { /* not a checkout */ }
console.log(JSON.stringify({
  name: 'pipeline-heavy-tail', commit, parameters: { examples: EXAMPLES, concurrency: CONCURRENCY, fast_ms: FAST_MS, slow_ms: SLOW_MS, slow_share: SLOW_SHARE, mean_ms: MEAN_MS },
  iterations: ITERATIONS, median_examples_per_s: { heavy_tail: heavy, uniform }, ratio: Math.round((heavy / uniform) * 100) / 100, goal: 0.8,
  runs: results, machine: { cpus: cpus().length, load_before: loadBefore, load_after: loadavg()[0] },
}));
