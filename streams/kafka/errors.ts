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

/**
 * Network trouble, timeouts, the protocol errors Kafka marks retriable, and a rebalance: worth another try.
 * A rebalance (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID: the group moved on while this
 * member worked, say because another member was killed or restarted) is cured by rejoining, which the
 * client does inside `commit` and `joinGroup`, but only a few times 250 ms apart; a group that takes
 * longer to settle (a dead member's session running out) must not stop the operator.
 */
export function isRetriable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof LaminiError) return error.retriable;
  return (
    findErrorBy(error, 'code', NetworkError.code) !== null ||
    findErrorBy(error, 'code', TimeoutError.code) !== null ||
    findErrorBy(error, 'canRetry', true) !== null ||
    isRebalance(error)
  );
}

/** The group is rebalancing or has moved on from this member's generation: rejoin, do not report an outage. */
export function isRebalance(error: unknown): boolean {
  if (error instanceof LaminiError) return isRebalance(error.cause);
  return error instanceof Error && findErrorBy(error, 'needsRejoin', true) !== null;
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
        onRetry: (_attempt, error) => {
          if (!isRebalance(error)) options.outage?.failed(describeError(error));
        },
      },
    );
  } catch (error) {
    if (attempts <= 1 || !(error instanceof LaminiError)) throw error;
    throw toLaminiError(error.cause ?? error, `${what} (after ${attempts} attempts)`);
  }
}

export { sleepMs as sleep } from '../../common/retry.ts';
