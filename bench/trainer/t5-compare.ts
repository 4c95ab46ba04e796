/**
 * Encoder-decoder training-step speed: our T5 v1.1 student on native TensorFlow (bench/trainer/t5-step.ts) beside
 * the same model in Python TensorFlow 2.21 with tf.function (bench/trainer/t5_step.py, from a virtualenv outside
 * CI), on a ~11M shape (4 + 4 layers, d 256, 8 heads × 32, d_ff 1024 gated GELU, vocabulary 4,096, 128 encoder
 * and 64 decoder tokens, batch 8). Runs are interleaved round by round, each in a fresh process, after checking
 * the machine's load; prints one JSON line with the medians over rounds and our ratio to Python.
 *
 *   node bench/trainer/t5-compare.ts [--rounds 3] [--python /work/venv-tf/bin/python] [--threads 2]
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, python: { type: 'string', default: '/work/venv-tf/bin/python' }, threads: { type: 'string', default: '2' } },
});
const SHAPE = { layers: 4, 'd-model': 256, 'd-kv': 32, heads: 8, 'd-ff': 1024, vocab: 4096, source: 128, target: 64, batch: 8 };
const args = [...Object.entries(SHAPE).flatMap(([k, v]) => [`--${k}`, String(v)]), '--steps', '8', '--warmup', '3', '--threads', values.threads];

interface Result { median_tokens_per_second: number; peak_rss_mb: number; params: number }

function run(command: string, script: string): Result {
  const out = execFileSync(command, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const parsed: unknown = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${script} printed no JSON`);
  const get = (key: string): number => {
    const value: unknown = Object.getOwnPropertyDescriptor(parsed, key)?.value;
    if (typeof value !== 'number') throw new Error(`${script}: ${key} is not a number`);
    return value;
  };
  return { median_tokens_per_second: get('median_tokens_per_second'), peak_rss_mb: get('peak_rss_mb'), params: get('params') };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length / 2;
  return s.length % 2 === 1 ? (s[Math.floor(m)] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

const loadBefore = loadavg()[0] ?? 0;
const ours: Result[] = [];
const python: Result[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  ours.push(run(process.execPath, 'bench/trainer/t5-step.ts'));
  python.push(run(values.python, 'bench/trainer/t5_step.py'));
}
const oursTps = median(ours.map((r) => r.median_tokens_per_second));
const pythonTps = median(python.map((r) => r.median_tokens_per_second));
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch { /* not a checkout */ }
process.stdout.write(`${JSON.stringify({
  name: 'trainer_t5_step_vs_python', commit, params: ours[0]?.params, shape: SHAPE, rounds: ours.length, threads: Number(values.threads),
  tensorflow_tokens_per_second: Math.round(oursTps), python_function_tokens_per_second: Math.round(pythonTps),
  ratio_to_python_function: Number((oursTps / pythonTps).toFixed(3)),
  peak_rss_mb: { tensorflow: median(ours.map((r) => r.peak_rss_mb)), python_function: median(python.map((r) => r.peak_rss_mb)) },
  load_before: Number(loadBefore.toFixed(2)), load_after: Number((loadavg()[0] ?? 0).toFixed(2)), cores: cpus().length,
})}\n`);
