/**
 * Aggregates over per-item scores, as lm-evaluation-harness computes them (lm_eval/api/metrics.py): `mean`,
 * `sample_stddev` (n - 1 in the denominator) and `mean_stderr` = sample_stddev / sqrt(n). The harness reports
 * no standard error ("N/A") for a single item (evaluator_utils: `len(items) > 1`); here that is null.
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (Bessel's n - 1); NaN for fewer than two values. */
export function sampleStddev(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const mu = mean(values);
  let sum = 0;
  for (const v of values) sum += (v - mu) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** Standard error of the mean; null for fewer than two values, as the harness's "N/A". */
export function meanStderr(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  return sampleStddev(values) / Math.sqrt(values.length);
}
