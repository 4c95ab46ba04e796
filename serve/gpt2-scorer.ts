/**
 * Per-token log-probabilities of a GPT-2 student: one forward pass over the sequence, a log-softmax per position
 * (float32, as the model computes), the chosen token's value and the top-k read from the same row, so a chosen
 * token that is the argmax has exactly the top alternative's value (lm-evaluation-harness decides `is_greedy`
 * by comparing the two).
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { floats, Gpt2 } from '../trainers/model/gpt2.ts';
import { studentFromInit } from '../trainers/student.ts';
import { tf } from '../trainers/tf.ts';
import type { PositionScore, SequenceScores, TokenAlternative, TokenScorer } from './student.ts';

export class Gpt2Scorer implements TokenScorer {
  private readonly model: Gpt2;

  private constructor(model: Gpt2) {
    this.model = model;
  }

  /**
   * Loads the Hugging Face GPT-2 folder `dir` on the already selected backend. Forward passes only, so the
   * embedding is a plain gather on every backend (the one-hot form exists for gather's gradient).
   */
  static async open(dir: string): Promise<Gpt2Scorer> {
    const student = await studentFromInit(dir);
    return new Gpt2Scorer(new Gpt2(student.config, student.weights, { embedding: 'gather' }));
  }

  get context(): number {
    return this.model.shape.context;
  }

  async scoreTokens(ids: readonly number[], topK: number): Promise<SequenceScores> {
    const { context, vocabSize } = this.model.shape;
    if (ids.length < 1 || ids.length > context) {
      throw new LaminiError(ErrorCodes.SERVE_CONTEXT_EXCEEDED, `${ids.length} tokens do not fit the student's context of ${context}`, {
        details: { tokens: ids.length, context },
      });
    }
    const logp = tf.tidy(() => tf.logSoftmax(this.model.logits(tf.tensor2d([...ids], [1, ids.length], 'int32'))));
    const values = await floats(logp);
    logp.dispose();
    const positions: PositionScore[] = [];
    for (let i = 0; i + 1 < ids.length; i++) {
      const row = values.subarray(i * vocabSize, (i + 1) * vocabSize);
      const id = ids[i + 1] ?? 0;
      positions.push({ id, logprob: row[id] ?? -Infinity, top: topOf(row, topK) });
    }
    return { positions, next: topOf(values.subarray((ids.length - 1) * vocabSize, ids.length * vocabSize), topK) };
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The k largest entries of a row, largest first; equal values keep the lower id first. */
export function topOf(row: Float32Array, k: number): TokenAlternative[] {
  const top: TokenAlternative[] = [];
  if (k <= 0) return top;
  for (let id = 0; id < row.length; id++) {
    const logprob = row[id] ?? -Infinity;
    if (top.length === k && logprob <= (top[k - 1]?.logprob ?? -Infinity)) continue;
    let at = top.length;
    while (at > 0 && (top[at - 1]?.logprob ?? -Infinity) < logprob) at--;
    top.splice(at, 0, { id, logprob });
    if (top.length > k) top.pop();
  }
  return top;
}
