/**
 * Training-step speed and peak memory of our student on each backend here, side by side in the same run with the
 * same model in Python TensorFlow 2.21 (eager and tf.function; bench/trainer/python_step.py, from a virtualenv
 * outside CI). Runs are interleaved round by round, each in a fresh process; prints one JSON line per shape with
 * the medians over rounds and our native backend's ratios to both Python modes.
 *
 *   node bench/trainer/compare.ts [--rounds 3] [--python /work/venv-tf/bin/python] [--shapes tiny,10m] [--slow]
 *                                  [--backends tensorflow,wasm,cpu]
 *
 * The slow backends (wasm, pure-JS cpu) run in the first round only, with fewer steps; --slow adds the cpu
 * backend on the 10M shape (minutes a step).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' }, python: { type: 'string', default: '/work/venv-tf/bin/python' },
    shapes: { type: 'string', default: 'tiny,10m' }, backends: { type: 'string', default: 'tensorflow,wasm,cpu' }, slow: { type: 'boolean', default: false }, threads: { type: 'string', default: '2' },
  },
});

const SHAPES = {
  tiny: { layers: 2, 'd-model': 128, heads: 4, vocab: 2048, context: 64, batch: 16 },
  '10m': { layers: 6, 'd-model': 384, heads: 6, vocab: 4096, context: 128, batch: 8 },
} as const;
type ShapeName = keyof typeof SHAPES;

interface Runner {
  label: string;
  /** Slow backends run in the first round only. */
  once?: boolean;
  command: string;
  args: (shape: ShapeName) => string[];
  shapes: readonly ShapeName[];
}

const flags = (shape: ShapeName, steps: number, warmup: number): string[] => [
  ...Object.entries(SHAPES[shape]).flatMap(([k, v]) => [`--${k}`, String(v)]),
  '--steps', String(steps), '--warmup', String(warmup), '--threads', values.threads,
];
const fast = (shape: ShapeName): string[] => flags(shape, shape === 'tiny' ? 20 : 8, 3);
const slow = (shape: ShapeName): string[] => flags(shape, 2, 1);

const runners: Runner[] = [
  { label: 'tensorflow', command: process.execPath, args: (s) => ['bench/trainer/step.ts', '--backend', 'tensorflow', ...fast(s)], shapes: ['tiny', '10m'] },
  { label: 'wasm', once: true, command: process.execPath, args: (s) => ['bench/trainer/step.ts', '--backend', 'wasm', ...slow(s)], shapes: ['tiny', '10m'] },
  { label: 'cpu', once: true, command: process.execPath, args: (s) => ['bench/trainer/step.ts', '--backend', 'cpu', ...slow(s)], shapes: values.slow ? ['tiny', '10m'] : ['tiny'] },
];
const chosen = new Set(values.backends.split(','));
for (let i = runners.length - 1; i >= 0; i--) if (!chosen.has(runners[i]?.label ?? '')) runners.splice(i, 1);
if (existsSync(values.python)) {
  for (const mode of ['eager', 'function'] as const) {
    runners.push({ label: `python_${mode}`, command: values.python, args: (s) => ['bench/trainer/python_step.py', ...fast(s), '--mode', mode], shapes: ['tiny', '10m'] });
  }
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const wanted = values.shapes.split(',').filter((s): s is ShapeName => s in SHAPES);
for (const shape of wanted) {
  const results = new Map<string, Array<{ tps: number; rss: number }>>();
  const loads: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const r of runners.filter((x) => x.shapes.includes(shape) && (round === 0 || x.once !== true))) {
      loads.push(loadavg()[0] ?? 0);
      const out = execFileSync(r.command, r.args(shape), { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, maxBuffer: 1 << 20 });
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop() ?? '{}';
      const parsed = JSON.parse(line) as { median_tokens_per_second: number; peak_rss_mb: number };
      const list = results.get(r.label) ?? [];
      list.push({ tps: parsed.median_tokens_per_second, rss: parsed.peak_rss_mb });
      results.set(r.label, list);
    }
  }
  const summary = Object.fromEntries([...results].map(([label, xs]) => [label, {
    median_tokens_per_second: median(xs.map((x) => x.tps)), peak_rss_mb: median(xs.map((x) => x.rss)), runs: xs.map((x) => x.tps),
  }]));
  const ours = summary['tensorflow'];
  const ratio = (other: string, key: 'median_tokens_per_second' | 'peak_rss_mb'): number | null => {
    const o = summary[other];
    return ours === undefined || o === undefined ? null : Number((ours[key] / o[key]).toFixed(3));
  };
  process.stdout.write(`${JSON.stringify({
    name: 'trainer_step_compare', commit, shape, ...SHAPES[shape], threads: Number(values.threads), rounds: Number(values.rounds),
    load_avg: { min: Math.min(...loads), max: Math.max(...loads) }, results: summary,
    native_vs_python_function: ratio('python_function', 'median_tokens_per_second'),
    native_vs_python_eager: ratio('python_eager', 'median_tokens_per_second'),
    native_rss_vs_python_function: ratio('python_function', 'peak_rss_mb'),
  })}\n`);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
