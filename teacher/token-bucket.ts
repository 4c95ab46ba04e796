/**
 * A token bucket refilled continuously at `perMinute / 60_000` tokens a millisecond up to `capacity` (a minute's
 * worth, as OpenAI's limits are stated). A request larger than the capacity may take a full bucket and leave it
 * negative, so nothing waits forever. The clock is injected.
 */
export class TokenBucket {
  #perMinute: number;
  #capacity: number;
  #level: number;
  #at: number;
  readonly #now: () => number;

  /** `perMinute` 0 or Infinity: no limit (every wait is 0). */
  constructor(perMinute: number, now: () => number) {
    this.#now = now;
    this.#perMinute = perMinute > 0 ? perMinute : Infinity;
    this.#capacity = this.#perMinute;
    this.#level = this.#capacity;
    this.#at = now();
  }

  get perMinute(): number {
    return this.#perMinute;
  }

  get limited(): boolean {
    return Number.isFinite(this.#perMinute);
  }

  /** Tokens available now (may be negative after an oversized take or a clamp). */
  get level(): number {
    this.#refill();
    return this.#level;
  }

  /** Milliseconds until `amount` can be taken (0: now). */
  waitMs(amount: number): number {
    if (!this.limited) return 0;
    this.#refill();
    const need = Math.min(amount, this.#capacity) - this.#level;
    return need <= 0 ? 0 : Math.ceil(need / (this.#perMinute / 60_000));
  }

  take(amount: number): void {
    if (!this.limited) return;
    this.#refill();
    this.#level -= amount;
  }

  /** Give back what a reply did not use; never above capacity. */
  refund(amount: number): void {
    if (!this.limited || amount <= 0) return;
    this.#refill();
    this.#level = Math.min(this.#capacity, this.#level + amount);
  }

  /** Lower the level to what the server says is left (never raises it). */
  clampTo(level: number): void {
    if (!this.limited) return;
    this.#refill();
    if (level < this.#level) this.#level = level;
  }

  /**
   * Adopt a new rate (the server's stated limit, or this member's share of a budget). A lower rate scales the
   * level down with the capacity (a full bucket stays full, a drained one drained); a higher rate keeps the
   * level and lets the faster refill raise it, so raising a rate never releases a burst. The first limit an
   * unlimited bucket gets starts full.
   */
  setPerMinute(perMinute: number): void {
    if (!(perMinute > 0) || perMinute === this.#perMinute) return;
    this.#refill();
    let level = this.#level;
    if (!this.limited) level = perMinute;
    else if (perMinute < this.#capacity) level = Math.min(level, (level / this.#capacity) * perMinute); // a debt stays whole
    this.#perMinute = perMinute;
    this.#capacity = perMinute;
    this.#level = level;
  }

  /** Tokens refilled per millisecond (0 when unlimited). */
  get perMs(): number {
    return this.limited ? this.#perMinute / 60_000 : 0;
  }

  #refill(): void {
    const t = this.#now();
    if (t > this.#at && this.limited) {
      this.#level = Math.min(this.#capacity, this.#level + (t - this.#at) * (this.#perMinute / 60_000));
    }
    this.#at = Math.max(this.#at, t);
  }
}
