/**
 * `lamini stats` diversity over a synthetic corpus (default 100k examples, instructions 5–45 words, responses
 * 10–90 words, seven sources): wall and CPU time of diversityStats on an open read-only DuckDB, and of the
 * whole corpusStats, fixed iterations. One JSON line.
 *   node bench/corpus/stats-diversity.ts [--rows 100000] [--iterations 5]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusStats, diversityStats, openCorpus } from '../../corpus/index.ts';
import { openReadOnly } from '../../corpus/views.ts';
import type { Example } from '../../schemas/types.ts';
import { arg, median, report } from '../dedup/common.ts';

const rows = Number(arg('rows', '100000'));
const iterations = Number(arg('iterations', '5'));
const words = 'alpha beta gamma delta river stone light paper glass cloud seven orange quick slow bright music garden winter'.split(' ');
const sources = ['self_instruct_without_topic', 'self_instruct_with_topic', 'generated_p3', 'generated_flan', 'alpaca', 'original_p3', 'original_flan'];
let state = 7;
const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const text = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');

const dir = await mkdtemp(join(tmpdir(), 'lamini-bench-stats-'));
try {
  const corpus = await openCorpus(dir);
  const batch = 25_000;
  for (let b = 0; b < rows; b += batch) {
    const examples: Example[] = [];
    for (let i = b; i < Math.min(rows, b + batch); i++) {
      examples.push({
        id: `ex${i}`, instruction_id: `in${i}`, instruction: `Write ${text(5 + Math.floor(rnd() * 40))}`, input: '',
        response: text(10 + Math.floor(rnd() * 80)), instruction_source: sources[i % sources.length]!, generation_mode: 'example_guided',
        seed_ids: [], topics: [], teacher_model: 'bench', prompt_version: 'lamini-v1', prompt_tokens: 0, completion_tokens: 0,
        cost_usd: 0, task_number: i, task_outputs: 1, created_at: Date.UTC(2026, 0, 1) + i,
      });
    }
    await corpus.commit({ examples, doneTasks: [] });
  }
  await corpus.close();

  const load = loadavg();
  const divWall: number[] = [];
  const divCpu: number[] = [];
  const allWall: number[] = [];
  const ro = await openReadOnly(dir);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await diversityStats(ro.conn);
    const c = process.cpuUsage(c0);
    divWall.push(performance.now() - t0);
    divCpu.push((c.user + c.system) / 1000);
  }
  await ro.close();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await corpusStats(dir);
    allWall.push(performance.now() - t0);
  }
  report('stats-diversity', {
    rows, iterations,
    diversity_wall_ms_median: Math.round(median(divWall)), diversity_cpu_ms_median: Math.round(median(divCpu)),
    corpus_stats_wall_ms_median: Math.round(median(allWall)),
  }, load);
} finally {
  await rm(dir, { recursive: true, force: true });
}
