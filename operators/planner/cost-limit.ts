/**
 * `--max-cost`: whether planning one more task could take the run's spend (summed from the teacher ledger)
 * past the limit. A task is projected to cost the most any task has cost so far (or the average per finished
 * task, if higher); each task in flight is assumed to still spend up to that, less what it already spent, and
 * the new task all of it. The run then stops planning and drains, so it stops before the limit, not after it.
 */
export interface CostLimit {
  limitUsd: number;
  /** This run's spend so far, from the ledger. */
  spentUsd: () => number;
  /** What task k has spent so far (0 when unknown). */
  taskSpentUsd?: (k: number) => number;
  /** The most any one task has spent so far. */
  maxTaskSpentUsd?: () => number;
}

export function costLimitReached(limit: CostLimit, tasksDone: number, inFlight: Iterable<number>): boolean {
  const spent = limit.spentUsd();
  if (spent >= limit.limitUsd) return true;
  if (spent === 0) return false;
  const perTask = Math.max(limit.maxTaskSpentUsd?.() ?? 0, spent / Math.max(1, tasksDone));
  let outstanding = perTask;
  for (const k of inFlight) outstanding += Math.max(0, perTask - (limit.taskSpentUsd?.(k) ?? 0));
  return spent + outstanding > limit.limitUsd;
}
