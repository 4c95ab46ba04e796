/**
 * Picking the next token from a row of logits: the argmax at temperature 0, else a draw from the softmax at that
 * temperature cut to its nucleus (the most likely tokens whose mass reaches top-p), from a seeded counter-based
 * source, so draw i of seed s is the same number on every run.
 */
import { uniform } from '../../operators/planner/index.ts';

export interface SamplingOptions {
  temperature: number;
  topP: number;
  seed: number;
}

export function pickToken(logits: Float32Array, options: SamplingOptions, draw: number): number {
  return options.temperature <= 0 ? argmax(logits) : sample(logits, options, draw);
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

function sample(logits: Float32Array, options: SamplingOptions, draw: number): number {
  const max = logits.reduce((m, v) => Math.max(m, v), -Infinity);
  const probs = Array.from(logits, (v, id) => ({ id, p: Math.exp((v - max) / options.temperature) }));
  const sum = probs.reduce((s, x) => s + x.p, 0);
  probs.sort((a, b) => b.p - a.p || a.id - b.id);
  const kept: typeof probs = [];
  let mass = 0;
  for (const x of probs) {
    kept.push(x);
    mass += x.p / sum;
    if (mass >= options.topP) break;
  }
  const keptSum = kept.reduce((s, x) => s + x.p, 0);
  let u = uniform(options.seed, draw) * keptSum;
  for (const x of kept) {
    u -= x.p;
    if (u <= 0) return x.id;
  }
  return kept[kept.length - 1]?.id ?? 0;
}
