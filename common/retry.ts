/**
 * The one retry helper: exponential backoff with full jitter, a cap per wait and a cap on the total time,
 * a server's `retryAfterMs` honoured (a LaminiError's `details.retryAfterMs`), and only errors that say they
 * are retriable (`LaminiError.retriable`) retried; anything else — unknown errors included — is thrown at once.
 * Clock, sleep and randomness are injected, so tests never wait.
 */
import { LaminiError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt (0: no retry). */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry. */
  baseDelayMs: number;
  /** Most a single wait may be (a longer Retry-After is capped to it). */
  maxDelayMs: number;
  /** No retry starts once this much time has passed since the first attempt (or would pass while waiting). */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 60_000, maxElapsedMs: 300_000 };

export interface RetryHooks {
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
  /** Called before each wait: the failed attempt (0-based), its error and the wait chosen. */
  onRetry?: (attempt: number, error: LaminiError, delayMs: number) => void;
}

/** How many retries were made before `error` ended a retry loop (0 when none, or not a LaminiError). */
export function retriesOf(error: unknown): number {
  return error instanceof LaminiError && typeof error.details['retries'] === 'number' ? error.details['retries'] : 0;
}

/** The wait before retry number `attempt + 1`: full jitter under an exponential ceiling, at least Retry-After. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  // Honour the server's word, plus a little jitter so many waiting callers do not return together.
  return Math.min(policy.maxDelayMs, Math.ceil(retryAfterMs) + Math.floor(random() * Math.min(250, policy.baseDelayMs)));
}

/**
 * Run `fn(attempt)` until it succeeds, fails with a non-retriable error, or the policy runs out. The error that
 * ends the loop is rethrown with `details.retries` set to the retries made.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? sleepMs;
  const random = hooks.random ?? Math.random;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const give = (): unknown => {
        if (error instanceof LaminiError) error.details['retries'] = attempt;
        return error;
      };
      if (!(error instanceof LaminiError) || !error.retriable || attempt >= policy.maxRetries) throw give();
      if (hooks.signal?.aborted === true) throw give();
      const retryAfter = error.details['retryAfterMs'];
      const delay = backoffDelay(policy, attempt, typeof retryAfter === 'number' ? retryAfter : undefined, random);
      if (now() - started + delay > policy.maxElapsedMs) throw give();
      hooks.onRetry?.(attempt, error, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
