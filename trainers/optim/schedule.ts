/**
 * The learning rate at each step: linear warmup from 0, then cosine decay to `minRatio` × peak at the last step
 * (Hugging Face's `get_cosine_schedule_with_warmup` with minRatio 0). Without a known last step (training that
 * follows a growing corpus with no `--steps`), the rate stays at its peak after warmup.
 */
export interface Schedule {
  peak: number;
  warmup: number;
  /** The last step, or null when open-ended. */
  total: number | null;
  minRatio: number;
}

/**
 * The rate after `step` updates, as Hugging Face's schedulers count (`current_step`): update k is taken at
 * learningRate(k − 1), so the first update of a warmup is at 0 and the last one is not.
 */
export function learningRate(step: number, s: Schedule): number {
  if (s.warmup > 0 && step <= s.warmup) return (s.peak * step) / s.warmup;
  if (s.total === null) return s.peak;
  const span = Math.max(1, s.total - s.warmup);
  const progress = Math.min(1, Math.max(0, (step - s.warmup) / span));
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.peak * (s.minRatio + (1 - s.minRatio) * cosine);
}

/** A warmup of 3% of the run, at least 1 step and at most 2,000, or 100 steps when open-ended. */
export function defaultWarmup(total: number | null): number {
  if (total === null) return 100;
  return Math.min(2000, Math.max(1, Math.round(total * 0.03)));
}
