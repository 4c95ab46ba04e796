/**
 * `BudgetedTeacher`: concurrency, requests-per-minute and tokens-per-minute budgets around any Teacher.
 * A call waits (first come, first served) for a concurrency slot and then for both buckets; it is charged one
 * request and `prompt estimate + max_tokens` tokens up front, and refunded what the reply's usage shows unused.
 * When the server sends `x-ratelimit-*` headers, its stated limits are adopted (never above the configured
 * ones) and its remaining counts lower the buckets, corrected for what was refilled and sent since the request
 * left. A 429 empties the request bucket and pauses new calls for the server's Retry-After.
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
          if (typeof after === 'number') this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + after);
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
    if (info.limitRequests !== undefined && info.limitRequests > 0) {
      const cap = this.#config.rpm > 0 ? Math.min(this.#config.rpm, info.limitRequests) : info.limitRequests;
      this.requests.setPerMinute(cap);
    }
    if (info.limitTokens !== undefined && info.limitTokens > 0) {
      const cap = this.#config.tpm > 0 ? Math.min(this.#config.tpm, info.limitTokens) : info.limitTokens;
      this.tokens.setPerMinute(cap);
    }
    if (info.remainingRequests !== undefined) {
      this.requests.clampTo(info.remainingRequests + elapsed * this.requests.perMs - (this.#sentRequests - ticket.requests));
    }
    if (info.remainingTokens !== undefined) {
      this.tokens.clampTo(info.remainingTokens + elapsed * this.tokens.perMs - (this.#sentTokens - ticket.tokens));
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
