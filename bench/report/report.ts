/**
 * `lamini report` on a big synthetic corpus (default 1,000,000 examples in shards of 50,000, seven sources,
 * three modes, instructions 5–45 words, responses 10–90; a drop per 10 examples, a dead letter per 1,000 and
 * about one teacher call per example, spread over two weeks): wall time and size of the page, interleaved with
 * `lamini stats` (corpusStats) on the same corpus as the reference, fixed iterations. One JSON line, with the
 * time each part of the report took (median over the iterations).
 *   node bench/report/report.ts [--rows 1000000] [--per-shard 50000] [--iterations 3] [--keep DIR]
 * --keep DIR builds the corpus there (or reuses it when it already has one) and leaves it.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_MIX } from '../../common/config.ts';
import { corpusStats, openCorpus, readManifest } from '../../corpus/index.ts';
import { generateReport } from '../../report/index.ts';
import type { DeadLetter, Dropped, Example, GenerationMode, TeacherRequest } from '../../schemas/types.ts';
import { arg, median, report } from '../dedup/common.ts';

const rows = Number(arg('rows', '1000000'));
const perShard = Number(arg('per-shard', '50000'));
const iterations = Number(arg('iterations', '3'));
const keep = arg('keep', '');

const words = 'alpha beta gamma delta river stone light paper glass cloud seven orange quick slow bright music garden winter'.split(' ');
const sources = ['self_instruct_without_topic', 'self_instruct_with_topic', 'generated_p3', 'generated_flan', 'alpaca', 'original_p3', 'original_flan'];
const modes: readonly GenerationMode[] = ['seed', 'example_guided', 'topic_guided'];
const dropReasons = ['near_duplicate', 'near_duplicate', 'exact_duplicate', 'echo_of_example', 'filter_too_short'];
const deadReasons = ['teacher_timeout', 'teacher_no_examples', 'teacher_http'];
const statuses = ['ok', 'ok', 'ok', 'ok', 'cached', 'ok', 'ok', 'TEACHER_RATE_LIMITED', 'ok', 'cached'];
const T0 = Date.UTC(2026, 0, 1);
const SPAN = 14 * 24 * 3600 * 1000;
let state = 7;
const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
const text = (n: number): string => Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)]).join(' ');
const at = (i: number): number => T0 + Math.floor((i / rows) * SPAN);

async function build(dir: string): Promise<void> {
  const corpus = await openCorpus(dir);
  try {
    for (let b = 0; b < rows; b += perShard) {
      const examples: Example[] = [];
      const dropped: Dropped[] = [];
      const deadLetters: DeadLetter[] = [];
      const teacherRequests: TeacherRequest[] = [];
      for (let i = b; i < Math.min(rows, b + perShard); i++) {
        const instruction = `Write ${text(5 + Math.floor(rnd() * 40))}`;
        examples.push({
          id: `ex${i}`, instruction_id: `in${i}`, instruction, input: '', response: text(10 + Math.floor(rnd() * 80)),
          instruction_source: sources[i % sources.length]!, generation_mode: modes[i % modes.length]!, seed_ids: [], topics: [],
          teacher_model: 'bench', prompt_version: 'lamini-v1', prompt_tokens: 100, completion_tokens: 60, cost_usd: 0.0001,
          task_number: i, task_outputs: 1, created_at: at(i),
        });
        if (i % 10 === 0) {
          dropped.push({ id: `dr${i}`, duplicate_of: `in${i - 1}`, reason: dropReasons[(i / 10) % dropReasons.length]!, instruction,
            instruction_source: sources[i % sources.length]!, task_number: i, task_outputs: 1, created_at: at(i) });
        }
        if (i % 1000 === 0) {
          deadLetters.push({ id: `dl${i}`, operator: 'respond', reason: deadReasons[(i / 1000) % deadReasons.length]!, message: 'bench',
            source_topic: 'lamini.instructions.unique', source_partition: 0, source_offset: i, payload: new Uint8Array([1, 2, 3]),
            task_number: i, task_outputs: 1, created_at: at(i) });
        }
        const status = statuses[i % statuses.length]!;
        teacherRequests.push({ id: `rq${i}`, request_hash: `h${i}`, task_number: i, model: 'bench', status,
          prompt_tokens: 100, completion_tokens: 60, cost_usd: status === 'ok' ? 0.0001 : 0, saved_usd: status === 'cached' ? 0.0001 : 0,
          retries: i % 13 === 0 ? 1 : 0, cached: status === 'cached', latency_ms: 500, error: '', created_at: at(i), server_model: '' });
      }
      await corpus.commit({ examples, dropped, deadLetters, teacherRequests });
    }
  } finally {
    await corpus.close();
  }
}

const dir = keep !== '' ? keep : await mkdtemp(join(tmpdir(), 'lamini-bench-report-'));
try {
  const built = performance.now();
  if ((await readManifest(dir)).totals.examples !== rows) await build(dir);
  const buildMs = performance.now() - built;
  const out = join(dir, 'report.html');
  const load = loadavg();
  const reportWall: number[] = [];
  const statsWall: number[] = [];
  const parts: Record<string, number[]> = {};
  let bytes = 0;
  // Interleaved: report, stats, report, stats, ...
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    const r = await generateReport({ dataDir: dir, out, mix: PAPER_MIX, checkpoints: [join(dir, 'checkpoints')] });
    reportWall.push(performance.now() - t0);
    for (const [k, v] of Object.entries(r.data.timings_ms)) (parts[k] ??= []).push(v);
    bytes = (await stat(out)).size;
    const t1 = performance.now();
    await corpusStats(dir);
    statsWall.push(performance.now() - t1);
  }
  const manifest = await readManifest(dir);
  report('report', {
    rows, per_shard: perShard, shards: manifest.tables.examples?.shards.length ?? 0, iterations,
    build_s: Math.round(buildMs / 100) / 10,
    report_wall_ms_median: Math.round(median(reportWall)), report_bytes: bytes,
    reference_stats_wall_ms_median: Math.round(median(statsWall)),
    report_parts_ms_median: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Math.round(median(v))])),
  }, load);
} finally {
  if (keep === '') await rm(dir, { recursive: true, force: true });
}
