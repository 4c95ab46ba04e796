/**
 * `BudgetedTeacher`: concurrency, requests-per-minute and tokens-per-minute budgets around any Teacher.
 * A call waits (first come, first served) for a concurrency slot and then for both buckets; it is charged one
 * request and `prompt estimate + max_tokens` tokens up front, and refunded what the reply's usage shows unused.
 * When the server sends `x-ratelimit-*` headers, its stated limits are adopted (never above the configured
 * ones) and its remaining counts lower the buckets, corrected for what was refilled and sent since the request
 * left. A 429 empties the request bucket and pauses new calls for the server's Retry-After.
 *
 * Several processes spending one budget (the members of a stage's consumer group) each keep a share of it:
 * `shareAmong(n)` sets both rates to (configured, lowered to the server's stated limit) / n, never below a
 * floor, and divides the server's remaining counts by n, as every member sees the same account-wide counts.
 * Concurrency stays per process. `onRateLimited` tells of each 429's pause and `pauseUntil` takes a peer's,
 * so a pause can be relayed to the other members (teacher/budget-share.ts keeps the share current).
 */
import { isLaminiError, ErrorCodes } from '../common/errors.ts';
import { sleepMs } from '../common/retry.ts';
import { TokenBucket } from './token-bucket.ts';
import type { ChatReply, ChatRequest, RateLimitInfo, Teacher } from './types.ts';

export interface BudgetConfig {
  /** Calls in flight at once (0: no limit). */
  concurrency: number;
  /** Requests per minute (0: none until the server states one). */
  rpm: number;
  /** Tokens per minute (0: none until the server states one). */
  tpm: number;
}

/** The least a member's share may be, per minute: a share never stalls a member, at worst it overspends. */
export interface ShareFloor {
  rpm: number;
  tpm: number;
}

export const DEFAULT_SHARE_FLOOR: Readonly<ShareFloor> = { rpm: 1, tpm: 100 };

/** How a budget is split now. */
export interface BudgetShare {
  /** The members the budget is split among (1: this process spends all of it). */
  members: number;
  /** The whole budget a minute: configured, lowered to the server's stated limit (0: no limit). */
  limitRpm: number;
  limitTpm: number;
  /** This member's part of it a minute (0: no limit). */
  rpm: number;
  tpm: number;
  /** Whether the floor raised a part above limit / members (the members together may then overspend). */
  floored: boolean;
}

/** A 429's pause, as this process saw it. */
export interface RateLimitPause {
  /** When new calls may start again, on this budget's clock (epoch milliseconds unless a clock is injected). */
  untilMs: number;
  /** The server's Retry-After. */
  retryAfterMs: number;
}

export interface BudgetHooks {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The tokens a request is charged before it is sent: ~4 characters a token, 4 per message, plus max_tokens. */
export function estimateTokens(request: ChatRequest): number {
  let chars = 0;
  for (const m of request.messages) chars += m.content.length;
  return Math.ceil(chars / 4) + 4 * request.messages.length + request.maxTokens;
}

export class BudgetedTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly requests: TokenBucket;
  readonly tokens: TokenBucket;
  readonly #inner: Teacher;
  readonly #config: BudgetConfig;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  #gate: Promise<void> = Promise.resolve();
  #inFlight = 0;
  #slotWaiters: Array<() => void> = [];
  #pausedUntil = 0;
  /** The server's stated limits (0: none stated), the members sharing the budget, and the floor of a share. */
  #serverRpm = 0;
  #serverTpm = 0;
  #members = 1;
  #floor: ShareFloor = { ...DEFAULT_SHARE_FLOOR };
  readonly #pauseListeners = new Set<(pause: RateLimitPause) => void>();
  /** Requests and tokens taken so far, to tell what was sent after a given request. */
  #sentRequests = 0;
  #sentTokens = 0;

  constructor(inner: Teacher, config: BudgetConfig, hooks: BudgetHooks = {}) {
    this.#inner = inner;
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    this.#config = config;
    this.#now = hooks.now ?? Date.now;
    this.#sleep = hooks.sleep ?? sleepMs;
    this.requests = new TokenBucket(config.rpm, this.#now);
    this.tokens = new TokenBucket(config.tpm, this.#now);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Spend 1/`members` of the budget (at least `floor`); 1 gives this process all of it. Concurrency is kept. */
  shareAmong(members: number, floor: ShareFloor = this.#floor): void {
    if (!Number.isFinite(members)) return;
    this.#members = Math.max(1, Math.floor(members));
    this.#floor = { ...floor };
    this.#applyRates();
  }

  get share(): BudgetShare {
    const rpm = this.#part(this.#wholeLimit(this.#config.rpm, this.#serverRpm), this.#floor.rpm);
    const tpm = this.#part(this.#wholeLimit(this.#config.tpm, this.#serverTpm), this.#floor.tpm);
    return {
      members: this.#members, limitRpm: rpm.whole, limitTpm: tpm.whole, rpm: rpm.part, tpm: tpm.part, floored: rpm.floored || tpm.floored,
    };
  }

  /**
   * Pause new calls until `untilMs` (on this budget's clock) as a 429 does, emptying the request bucket so the
   * calls restart at the refill rate rather than in a burst. A pause that ends sooner than one in force is moot.
   */
  pauseUntil(untilMs: number): void {
    if (!Number.isFinite(untilMs)) return;
    this.requests.clampTo(0);
    this.#pausedUntil = Math.max(this.#pausedUntil, untilMs);
  }

  /** Told of each 429 with a Retry-After (after this budget paused itself); returns the unsubscribe. */
  onRateLimited(listener: (pause: RateLimitPause) => void): () => void {
    this.#pauseListeners.add(listener);
    return () => this.#pauseListeners.delete(listener);
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    await this.#slot();
    try {
      const charge = estimateTokens(request);
      const ticket = await this.#admit(charge, signal);
      let reply: ChatReply;
      try {
        reply = await this.#inner.chat(request, signal);
      } catch (error) {
        // Nothing was generated: the tokens go back; the request stays counted, as the server counts it.
        this.tokens.refund(charge);
        if (isLaminiError(error, ErrorCodes.TEACHER_RATE_LIMITED)) {
          this.requests.clampTo(0);
          const after = error.details['retryAfterMs'];
          if (typeof after === 'number') this.#rateLimited({ untilMs: this.#now() + after, retryAfterMs: after });
          const info = error.details['rateLimit'];
          if (typeof info === 'object' && info !== null) this.#observe(info as RateLimitInfo, ticket);
        }
        throw error;
      }
      // The headers show the server's buckets as it answered (our charge still in), so they come first.
      if (reply.rateLimit !== undefined) this.#observe(reply.rateLimit, ticket);
      const used = reply.promptTokens + reply.completionTokens;
      if (used > 0) this.tokens.refund(charge - used);
      return reply;
    } finally {
      this.#release();
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #rateLimited(pause: RateLimitPause): void {
    this.pauseUntil(pause.untilMs);
    for (const listener of this.#pauseListeners) {
      try {
        listener(pause);
      } catch {
        // A relay that fails is not this call's failure: the call fails with its 429 as it would have.
      }
    }
  }

  /** The whole budget a minute: the configured one lowered to the server's stated one (0: neither). */
  #wholeLimit(configured: number, server: number): number {
    return configured > 0 && server > 0 ? Math.min(configured, server) : Math.max(configured, server);
  }

  /** This member's part of `whole` (0: unlimited); the floor never above the whole. */
  #part(whole: number, floor: number): { whole: number; part: number; floored: boolean } {
    if (!(whole > 0)) return { whole: 0, part: 0, floored: false };
    const even = whole / this.#members;
    const least = Math.min(floor, whole);
    return even >= least ? { whole, part: even, floored: false } : { whole, part: least, floored: true };
  }

  #applyRates(): void {
    const { rpm, tpm } = this.share;
    if (rpm > 0) this.requests.setPerMinute(rpm);
    if (tpm > 0) this.tokens.setPerMinute(tpm);
  }

  /** Wait for both buckets, one caller at a time (so a large request is not starved by small ones). */
  #admit(charge: number, signal: AbortSignal | undefined): Promise<Ticket> {
    const turn = this.#gate.then(async () => {
      for (;;) {
        if (signal?.aborted === true) break;
        const pause = this.#pausedUntil - this.#now();
        const wait = Math.max(pause, this.requests.waitMs(1), this.tokens.waitMs(charge));
        if (wait <= 0) break;
        await this.#sleep(wait, signal);
      }
      this.requests.take(1);
      this.tokens.take(charge);
      this.#sentRequests += 1;
      this.#sentTokens += charge;
      return { at: this.#now(), requests: this.#sentRequests, tokens: this.#sentTokens };
    });
    this.#gate = turn.then(() => undefined, () => undefined);
    return turn;
  }

  /**
   * The server's view when it answered `ticket`'s request, carried forward to now: what it had left, plus what
   * refilled since, less what we sent after that request. Lowers a bucket that is fuller than that.
   */
  #observe(info: RateLimitInfo, ticket: Ticket): void {
    const elapsed = Math.max(0, this.#now() - ticket.at);
    if (info.limitRequests !== undefined && info.limitRequests > 0) this.#serverRpm = info.limitRequests;
    if (info.limitTokens !== undefined && info.limitTokens > 0) this.#serverTpm = info.limitTokens;
    this.#applyRates();
    // The counts are the account's, seen alike by every member: this member may spend its share of them.
    const n = this.#members;
    if (info.remainingRequests !== undefined) {
      this.requests.clampTo(info.remainingRequests / n + elapsed * this.requests.perMs - (this.#sentRequests - ticket.requests));
    }
    if (info.remainingTokens !== undefined) {
      this.tokens.clampTo(info.remainingTokens / n + elapsed * this.tokens.perMs - (this.#sentTokens - ticket.tokens));
    }
  }

  async #slot(): Promise<void> {
    const limit = this.#config.concurrency;
    if (limit <= 0 || this.#inFlight < limit) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
  }

  #release(): void {
    const next = this.#slotWaiters.shift();
    if (next !== undefined) next(); // the slot passes straight to the next waiter
    else this.#inFlight--;
  }
}

interface Ticket {
  at: number;
  requests: number;
  tokens: number;
}
