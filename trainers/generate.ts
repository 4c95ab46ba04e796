/**
 * Text from a student: the prompt's tokens, then one token at a time until the end token or the budget, greedy at
 * temperature 0, else sampled (temperature, then nucleus top-p) from a seeded counter-based source, so the same
 * seed gives the same answer. Each token re-reads the whole window (no key/value cache): simple and exact, and
 * fast enough for the small students this trains; the window slides when the context is full.
 */
import { uniform } from '../operators/planner/index.ts';
import { floats, type Gpt2 } from './model/gpt2.ts';
import { tf } from './tf.ts';
import type { Tokenizer } from './tokenizer/index.ts';

export interface GenerateOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
}

export interface Generated {
  text: string;
  tokens: number;
  stopped: 'end-token' | 'max-tokens';
}

export async function generate(model: Gpt2, tokenizer: Tokenizer, prompt: string, options: GenerateOptions): Promise<Generated> {
  const ids = tokenizer.encode(prompt);
  const out: number[] = [];
  const context = model.shape.context;
  for (let i = 0; i < options.maxTokens; i++) {
    const window = [...ids, ...out].slice(-context);
    const logits = tf.tidy(() => model.nextLogits(tf.tensor2d(window, [1, window.length], 'int32')));
    const values = await floats(logits);
    logits.dispose();
    const next = options.temperature <= 0 ? argmax(values) : sample(values, options, i);
    if (next === tokenizer.eosId) return { text: tokenizer.decode(out), tokens: out.length, stopped: 'end-token' };
    out.push(next);
  }
  return { text: tokenizer.decode(out), tokens: out.length, stopped: 'max-tokens' };
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

function sample(logits: Float32Array, options: GenerateOptions, draw: number): number {
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
