/**
 * From a batch's logits [rows, vocab] to per-token scores: for the chosen rows, log softmax at the target id and
 * whether the target is the row's argmax. Computed on the backend; only two numbers per scored token come back.
 */
import { tf, type Tensor2D } from '../tf.ts';
import type { ContinuationScore } from './types.ts';

export interface ScoredRows {
  logprobs: Float32Array;
  greedy: Int32Array;
}

/** `rows[i]` is the logits row whose next token is `targets[i]`. `logits` is the caller's (not disposed). */
export async function scoreRows(logits: Tensor2D, rows: readonly number[], targets: readonly number[]): Promise<ScoredRows> {
  if (rows.length === 0) return { logprobs: new Float32Array(0), greedy: new Int32Array(0) };
  const vocab = logits.shape[1];
  const [picked, isArgmax] = tf.tidy(() => {
    const chosen = tf.gather(logits, tf.tensor1d([...rows], 'int32'));
    const wanted = tf.tensor1d([...targets], 'int32');
    const logprobs = tf.sum(tf.logSoftmax(chosen).mul(tf.oneHot(wanted, vocab)), 1);
    return [logprobs, tf.equal(tf.argMax(chosen, 1), wanted).toInt()];
  });
  try {
    const logprobs = await picked.data();
    const greedy = await isArgmax.data();
    return {
      logprobs: logprobs instanceof Float32Array ? logprobs : Float32Array.from(logprobs),
      greedy: greedy instanceof Int32Array ? greedy : Int32Array.from(greedy),
    };
  } finally {
    picked.dispose();
    isArgmax.dispose();
  }
}

/** One continuation's score from its slice [from, from + ids.length) of a batch's scored rows. */
export function continuationScore(scored: ScoredRows, from: number, ids: readonly number[]): ContinuationScore {
  const tokenLogprobs = Array.from(scored.logprobs.subarray(from, from + ids.length));
  const greedy = scored.greedy.subarray(from, from + ids.length);
  return {
    logprob: tokenLogprobs.reduce((a, b) => a + b, 0),
    isGreedy: greedy.every((g) => g === 1),
    tokens: ids.length,
    tokenLogprobs,
    tokenIds: [...ids],
  };
}
