/**
 * End to end through `lamini dedup` (read, parse, normalise, sign, query, verify, insert, write) in its
 * default mode, against datasketch's MinHash + MinHashLSH keep-first loop on the same file of --records
 * synthetic records of about 100 tokens, interleaved run by run. Rates are records / the seconds each
 * tool reports for its loop (process start-up excluded for both); wall-clock rates are given too.
 * One JSON line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { ROOT, PYTHON, arg, median, report, workDir } from './common.ts';

const loadBefore = loadavg();
const records = Number(arg('records', '100000'));
const runs = Number(arg('runs', '3'));
const input = `${workDir()}/synthetic-${records}.jsonl`;
if (!existsSync(input)) execFileSync(process.execPath, [`${import.meta.dirname}/corpus.ts`, '--records', String(records), '--out', input]);

interface Summary { records: number; kept: number; dropped: number; seconds: number; records_per_second: number }
const timed = (f: () => string): { s: Summary; wall: number } => {
  const t0 = performance.now();
  const s = JSON.parse(f()) as Summary;
  return { s, wall: (performance.now() - t0) / 1000 };
};
const lamini = (): ReturnType<typeof timed> => timed(() => execFileSync(process.execPath, [
  `${ROOT}cli/main.ts`, 'dedup', '--input', input, '--json', '--output', `${workDir()}/kept.jsonl`, '--dropped', `${workDir()}/dropped.jsonl`,
], { encoding: 'utf8', cwd: workDir() }));
const datasketch = (): ReturnType<typeof timed> => timed(() => execFileSync(PYTHON, [`${import.meta.dirname}/datasketch_keepfirst.py`, input], { encoding: 'utf8' }));

const ours: Array<ReturnType<typeof timed>> = [];
const ref: Array<ReturnType<typeof timed>> = [];
const haveDatasketch = existsSync(PYTHON);
for (let r = 0; r < runs; r++) {
  ours.push(lamini());
  if (haveDatasketch) ref.push(datasketch());
}
const rate = (xs: Array<ReturnType<typeof timed>>): number => Math.round(median(xs.map((x) => x.s.records / x.s.seconds)));
const wallRate = (xs: Array<ReturnType<typeof timed>>): number => Math.round(median(xs.map((x) => x.s.records / x.wall)));
const last = ours[ours.length - 1]!.s;
report('dedup.end_to_end', {
  records, input_bytes: statSync(input).size, runs, targets: { records_per_second: 30_000, vs_datasketch: 10 },
  lamini: { kept: last.kept, dropped: last.dropped, median_records_per_second: rate(ours), median_wall_records_per_second: wallRate(ours), runs: ours.map((x) => x.s.seconds) },
  datasketch: haveDatasketch
    ? { kept: ref[0]!.s.kept, dropped: ref[0]!.s.dropped, median_records_per_second: rate(ref), median_wall_records_per_second: wallRate(ref), runs: ref.map((x) => x.s.seconds) }
    : { error: 'datasketch is not installed (run bench/dedup/setup-datasketch.sh)' },
  speedup_vs_datasketch: haveDatasketch ? Math.round((rate(ours) / rate(ref)) * 10) / 10 : null,
}, loadBefore);
