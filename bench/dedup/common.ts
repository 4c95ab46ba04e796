/** Shared by the dedup benchmarks: the JSON line they print, medians, and where generated files live. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WORK = `${ROOT}.cache/bench-dedup`;
export const PYTHON = `${ROOT}.cache/datasketch/bin/python`;
export const GSM8K = process.env.NEARDUP_GSM8K ?? `${ROOT}../shared/bench/neardup-gsm8k`;

export function workDir(): string {
  mkdirSync(WORK, { recursive: true });
  return WORK;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Prints the benchmark's one JSON line, with the commit and the machine's load before and after. */
export function report(name: string, fields: Record<string, unknown>, loadBefore: number[]): void {
  const round = (xs: number[]): number[] => xs.map((x) => Math.round(x * 100) / 100);
  process.stdout.write(`${JSON.stringify({ name, commit: commit(), node: process.version, load_before: round(loadBefore), load_after: round(loadavg()), ...fields })}\n`);
}

export const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
