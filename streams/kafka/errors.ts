/**
 * Mapping @platformatic/kafka's errors onto the project's error family, and the one retry loop the
 * Kafka transport uses. Decisions read the client's typed fields (`code`, `canRetry`, `apiId`) through
 * its `findErrorBy`, never message text.
 */
import { findErrorBy, NetworkError, TimeoutError } from '@platformatic/kafka';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';

/** True when a broker-side protocol error with this id (`OFFSET_OUT_OF_RANGE`, …) is anywhere in `error`. */
export function hasKafkaError(error: unknown, apiId: string): boolean {
  return error instanceof Error && findErrorBy(error, 'apiId', apiId) !== null;
}

/** Network trouble, timeouts and the protocol errors Kafka marks retriable: worth another try. */
export function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof LaminiError) return error.retriable;
  return (
    findErrorBy(error, 'code', NetworkError.code) !== null ||
    findErrorBy(error, 'code', TimeoutError.code) !== null ||
    findErrorBy(error, 'canRetry', true) !== null
  );
}

export function toLaminiError(error: unknown, what: string): LaminiError {
  if (error instanceof LaminiError) return error;
  const retriable = isRetriable(error);
  return new LaminiError(
    retriable ? ErrorCodes.TRANSPORT_UNAVAILABLE : ErrorCodes.TRANSPORT_FAILED,
    `kafka: ${what} failed: ${describeError(error)}`,
    { retriable, cause: error },
  );
}

export interface RetryOptions {
  /** Give up after this long (ms); the last error is thrown as TRANSPORT_UNAVAILABLE. */
  capMs: number;
  signal?: AbortSignal | undefined;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `fn` until it succeeds, retrying retriable errors with exponential backoff and full jitter
 * until `capMs` has passed or `signal` aborts. Other errors are thrown at once (as LaminiError).
 */
export async function withRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.capMs;
  let delay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 2000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetriable(error) || options.signal?.aborted || Date.now() + delay > deadline) {
        throw toLaminiError(error, attempt > 1 ? `${what} (after ${attempt} attempts)` : what);
      }
    }
    await sleep(Math.random() * delay, options.signal);
    delay = Math.min(maxDelay, delay * 2);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
