/**
 * One line when the broker goes away and one when it is back, for the whole transport: every retry
 * loop and the consumers' fetches report here, so an outage reads as
 *   kafka: broker unreachable (send to lamini.examples failed: …); waiting and retrying for up to 120 s
 *   kafka: broker still unreachable after 10 s (…)
 *   kafka: broker reachable again after 14 s
 * instead of silence or one line per waiting call.
 */
export class OutageReporter {
  readonly #log: (line: string) => void;
  readonly #retryCapMs: number;
  readonly #everyMs: number;
  readonly #now: () => number;
  #downSince: number | undefined;
  #saidAt = 0;

  constructor(log: (line: string) => void, retryCapMs: number, options: { everyMs?: number; now?: () => number } = {}) {
    this.#log = log;
    this.#retryCapMs = retryCapMs;
    this.#everyMs = options.everyMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /** A call to the broker failed with a retriable error and will be tried again. */
  failed(why: string): void {
    const now = this.#now();
    if (this.#downSince === undefined) {
      this.#downSince = now;
      this.#saidAt = now;
      this.#log(`kafka: broker unreachable (${why}); waiting and retrying for up to ${Math.round(this.#retryCapMs / 1000)} s`);
    } else if (now - this.#saidAt >= this.#everyMs) {
      this.#saidAt = now;
      this.#log(`kafka: broker still unreachable after ${Math.round((now - this.#downSince) / 1000)} s (${why})`);
    }
  }

  /** A call to the broker succeeded. */
  ok(): void {
    if (this.#downSince === undefined) return;
    this.#log(`kafka: broker reachable again after ${Math.round((this.#now() - this.#downSince) / 1000)} s`);
    this.#downSince = undefined;
  }
}
