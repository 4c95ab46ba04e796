/** Progress of a run, as the display and the stop rules see it. */
export interface RunProgress {
  startedAt: number;
  now: number;
  /** Examples committed by this run. */
  committed: number;
  /** Examples made by this run and waiting for the next commit. */
  pending: number;
  /** Examples in the corpus, this run's included. */
  corpusExamples: number;
  tasksPlanned: number;
  tasksDone: number;
  dropped: number;
  deadLetters: number;
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  /** Messages each operator's group has not committed yet, by operator id (embedded transport only). */
  queues?: Record<string, number>;
}

/** Examples made per minute, committed or pending. */
export function ratePerMinute(p: RunProgress): number {
  const minutes = (p.now - p.startedAt) / 60_000;
  return minutes > 0 ? (p.committed + p.pending) / minutes : 0;
}

/** Teacher spend per minute of this run. */
export function spendPerMinute(p: RunProgress): number {
  const minutes = (p.now - p.startedAt) / 60_000;
  return minutes > 0 ? p.costUsd / minutes : 0;
}

export function progressLine(p: RunProgress, target: number): string {
  const secs = Math.round((p.now - p.startedAt) / 1000);
  const pending = p.pending > 0 ? ` +${p.pending} pending` : '';
  return `committed ${p.committed}/${target}${pending} (corpus ${p.corpusExamples}) · ${ratePerMinute(p).toFixed(1)}/min · ` +
    `tasks ${p.tasksDone}/${p.tasksPlanned} · dropped ${p.dropped} · dead letters ${p.deadLetters} · ` +
    `spend $${p.costUsd.toFixed(4)} ($${spendPerMinute(p).toFixed(4)}/min) · ${secs}s${queuesPart(p.queues)}`;
}

/** ` · queued generate 3 dedup 0 …`: what waits in front of each operator (a slow teacher shows here). */
function queuesPart(queues: Record<string, number> | undefined): string {
  if (queues === undefined) return '';
  return ` · queued ${Object.entries(queues).map(([op, n]) => `${op} ${n}`).join(' ')}`;
}
