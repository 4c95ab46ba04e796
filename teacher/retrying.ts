/**
 * `RetryingTeacher`: the chain's one retry loop (common/retry.ts) around any Teacher: retriable TEACHER_*
 * errors (429, 5xx, timeouts, connection failures, cut-off replies) are retried with backoff honouring
 * Retry-After; the reply carries `retries`, and the error that ends the loop carries `details.retries`.
 * The OpenAI client under it is built with maxRetries 0.
 */
import { retry, type RetryHooks, type RetryPolicy } from '../common/retry.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

export class RetryingTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly #inner: Teacher;
  readonly #policy: RetryPolicy;
  readonly #hooks: Omit<RetryHooks, 'signal'>;
  /** Retries made across all calls. */
  retries = 0;

  constructor(inner: Teacher, policy: RetryPolicy, hooks: Omit<RetryHooks, 'signal'> = {}) {
    this.#inner = inner;
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    this.#policy = policy;
    this.#hooks = hooks;
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    let made = 0;
    const reply = await retry((attempt) => {
      made = attempt;
      return this.#inner.chat(request, signal);
    }, this.#policy, {
      ...this.#hooks,
      ...(signal === undefined ? {} : { signal }),
      onRetry: (attempt, error, delay) => {
        this.retries++;
        this.#hooks.onRetry?.(attempt, error, delay);
      },
    });
    return made === 0 ? reply : { ...reply, retries: made };
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
