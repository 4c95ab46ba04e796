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

/**
 * Whether generation is producing: a run whose commits hold examples (re-answered seeds) but no generated
 * instruction for a whole stall window looks busy while every generation call fails. `check` returns a loud
 * line once per such window; `atEnd`, one when the whole run planned generation and committed none of it.
 */
export class GenerationWatch {
  readonly #windowMs: number;
  #since: number;
  #seedsSince = 0;
  #generatedTotal = 0;
  #seedsTotal = 0;
  #planned = false;

  constructor(windowMs: number, now: number) {
    this.#windowMs = windowMs;
    this.#since = now;
  }

  /** A task was planned; only example- and topic-guided ones ask for generated instructions. */
  planned(mode: string): void {
    if (mode !== 'seed') this.#planned = true;
  }

  committed(examples: ReadonlyArray<{ generation_mode: string }>, now: number): void {
    for (const e of examples) {
      if (e.generation_mode === 'seed') {
        this.#seedsSince++;
        this.#seedsTotal++;
      } else {
        this.#generatedTotal++;
        this.#seedsSince = 0;
        this.#since = now;
      }
    }
  }

  check(now: number): string | undefined {
    if (!this.#planned || this.#seedsSince === 0 || now - this.#since < this.#windowMs) return undefined;
    const line = warning(this.#seedsSince, `in the last ${Math.round((now - this.#since) / 1000)} s`);
    this.#since = now;
    this.#seedsSince = 0;
    return line;
  }

  atEnd(): string | undefined {
    return this.#planned && this.#generatedTotal === 0 && this.#seedsTotal > 0 ? warning(this.#seedsTotal, 'by this run') : undefined;
  }
}

function warning(seeds: number, when: string): string {
  return `WARNING: ${seeds} examples committed ${when}, and not one generated instruction among them: every generation ` +
    'call is failing (`lamini dlq list` shows why; `lamini dlq replay` redoes them after a fix)';
}
