/** Shared bits of the teacher benchmarks: the commit, flags, and a request of a given size. */
import { execFileSync } from 'node:child_process';
import type { ChatRequest } from '../../teacher/types.ts';

export function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** `--name value` from argv, as a number. */
export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

/** A response-style request of about `promptChars / 4` prompt tokens for task `k`. */
export function request(k: number, promptChars: number, maxTokens: number): ChatRequest {
  const filler = 'Explain the water cycle to a ten-year-old, briefly. '.repeat(Math.ceil(promptChars / 52)).slice(0, promptChars);
  return {
    messages: [
      { role: 'system', content: 'Answer very concisely.' },
      { role: 'user', content: `${k}: ${filler}` },
    ],
    maxTokens,
    temperature: 0.7,
    taskNumber: k,
  };
}
