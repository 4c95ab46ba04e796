/**
 * Mapping @platformatic/kafka's errors onto the project's error family, and the one retry loop the
 * Kafka transport uses. Decisions read the client's typed fields (`code`, `canRetry`, `apiId`) through
 * its `findErrorBy`, never message text.
 */
import { findErrorBy, NetworkError, TimeoutError } from '@platformatic/kafka';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';
import { retry } from '../../common/retry.ts';
import type { OutageReporter } from './outage.ts';

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
    `kafka: ${what} failed: ${describeKafkaError(error)}`,
    { retriable, cause: error },
  );
}

/** The client wraps the cause in "Listing topics failed.": name the broker and the cause of a refused connection. */
function describeKafkaError(error: unknown): string {
  const network = error instanceof Error ? findErrorBy(error, 'code', NetworkError.code) : null;
  if (network === null) {
    // MultipleErrors ("Listing topics failed.") says what failed; its first error says why.
    const first = (error as { errors?: unknown[] } | null)?.errors?.[0];
    return first instanceof Error ? `${describeError(error).replace(/\.$/, '')}: ${describeKafkaError(first)}` : describeError(error);
  }
  const cause = network.cause instanceof Error ? ` (${network.cause.message})` : '';
  return `${network.message.replace(/\.$/, '')}${cause}`;
}

export interface RetryOptions {
  /** Give up after this long (ms); the last error is thrown as TRANSPORT_UNAVAILABLE. */
  capMs: number;
  signal?: AbortSignal | undefined;
  /** Told of each retried failure and of the success after one. */
  outage?: OutageReporter;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `fn` until it succeeds, retrying retriable errors through the project's one retry helper
 * (common/retry.ts: exponential backoff, full jitter) until `capMs` has passed or `signal` aborts.
 * Other errors are thrown at once (as LaminiError).
 */
export async function withRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  let attempts = 0;
  try {
    return await retry(
      async () => {
        attempts++;
        try {
          const value = await fn();
          if (attempts > 1) options.outage?.ok();
          return value;
        } catch (error) {
          throw toLaminiError(error, what);
        }
      },
      {
        maxRetries: Number.MAX_SAFE_INTEGER,
        baseDelayMs: options.initialDelayMs ?? 100,
        maxDelayMs: options.maxDelayMs ?? 2000,
        maxElapsedMs: options.capMs,
      },
      {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onRetry: (_attempt, error) => options.outage?.failed(describeError(error)),
      },
    );
  } catch (error) {
    if (attempts <= 1 || !(error instanceof LaminiError)) throw error;
    throw toLaminiError(error.cause ?? error, `${what} (after ${attempts} attempts)`);
  }
}

export { sleepMs as sleep } from '../../common/retry.ts';
