/**
 * Multiple-choice accuracy from the log-likelihood of each choice, as lm-evaluation-harness's
 * `ConfigurableTask.process_results` for `multiple_choice` (lm_eval/api/task.py):
 *
 *   pred      = np.argmax(lls)
 *   pred_norm = np.argmax(lls / completion_len),  completion_len = [float(len(c)) for c in choices]
 *   acc       = 1.0 if pred == gold else 0.0;  acc_norm likewise with pred_norm
 *
 * `len(c)` is Python's length of the choice string without the target delimiter: Unicode code points, not
 * UTF-16 units (JavaScript's `.length`), bytes or tokens. `np.argmax` returns the first maximum, and the first
 * NaN when there is one (an empty choice with log-likelihood 0 gives 0/0); both are kept here.
 */

/** Python's `len(text)`: the number of Unicode code points. */
export function charLength(text: string): number {
  return Array.from(text).length;
}

/** `np.argmax` on a 1-D float array: the first NaN if any, else the first index of the maximum. */
export function argmax(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('argmax of an empty list');
  const nan = values.findIndex((v) => Number.isNaN(v));
  if (nan >= 0) return nan;
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

export interface ChoiceScore {
  /** Index of the choice with the highest log-likelihood. */
  pred: number;
  /** Index of the choice with the highest log-likelihood per character. */
  predNorm: number;
  acc: 0 | 1;
  accNorm: 0 | 1;
}

/**
 * Scores one item. `lengthTexts` are the strings whose lengths normalise (the choices; for a task whose
 * contexts vary, such as WinoGrande's partial scoring, the harness divides by the contexts' lengths).
 * IEEE division gives what numpy gives: -inf for a negative log-likelihood over length 0, NaN for 0/0.
 */
export function scoreChoices(lls: readonly number[], lengthTexts: readonly string[], gold: number): ChoiceScore {
  if (lls.length !== lengthTexts.length) throw new RangeError(`${lls.length} log-likelihoods for ${lengthTexts.length} choices`);
  const pred = argmax(lls);
  const predNorm = argmax(lls.map((ll, i) => ll / charLength(lengthTexts[i] ?? '')));
  return { pred, predNorm, acc: pred === gold ? 1 : 0, accNorm: predNorm === gold ? 1 : 0 };
}
