/**
 * Teacher metrics, per model: a latency histogram and counts of calls by status, retries, cache hits, spend and
 * tokens, observed by `MeteredTeacher` around the chain (it sees each call as the caller and the ledger do:
 * teacher/ledger.ts), and each 429 the server answered, from the chain's budget (every attempt, retried or not).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { isLaminiError } from '../common/errors.ts';
import { retriesOf } from '../common/retry.ts';
import { TeacherChain } from '../teacher/chain.ts';
import type { FormatSupport } from '../teacher/formats.ts';
import type { ChatReply, ChatRequest, Teacher } from '../teacher/types.ts';

/** Seconds: a cache hit is milliseconds, a long local generation minutes. */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class TeacherMetrics {
  readonly latency: Histogram<'model' | 'status'>;
  readonly requests: Counter<'model' | 'status'>;
  readonly rateLimited: Counter<'model'>;
  readonly retries: Counter<'model'>;
  readonly cacheHits: Counter<'model'>;
  readonly cost: Counter<'model'>;
  readonly tokens: Counter<'model' | 'kind'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.latency = new Histogram({
      name: 'lamini_teacher_request_duration_seconds', help: 'Teacher calls as the caller saw them (retries and budget waits included), by model and status.',
      labelNames: ['model', 'status'], buckets: LATENCY_BUCKETS, registers,
    });
    this.requests = new Counter({
      name: 'lamini_teacher_requests_total', help: 'Teacher calls by model and status (ok, cached, or the error code).', labelNames: ['model', 'status'], registers,
    });
    this.rateLimited = new Counter({
      name: 'lamini_teacher_rate_limited_total', help: 'HTTP 429 answers with a Retry-After from the teacher (every attempt, retried or not).', labelNames: ['model'], registers,
    });
    this.retries = new Counter({ name: 'lamini_teacher_retries_total', help: 'Retries the teacher chain made.', labelNames: ['model'], registers });
    this.cacheHits = new Counter({
      name: 'lamini_teacher_cache_hits_total', help: 'Teacher calls answered from the response cache.', labelNames: ['model'], registers,
    });
    this.cost = new Counter({ name: 'lamini_teacher_cost_usd_total', help: 'Teacher spend in US dollars.', labelNames: ['model'], registers });
    this.tokens = new Counter({
      name: 'lamini_teacher_tokens_total', help: 'Tokens the teacher was paid for, by kind (prompt, completion).', labelNames: ['model', 'kind'], registers,
    });
  }

  /** `teacher`, observed; a chain also reports its 429s. The wrapper stops listening when closed. */
  wrap(teacher: Teacher): Teacher {
    return new MeteredTeacher(teacher, this);
  }

  /** A run's two teachers, observed (one wrapper when both are one teacher). */
  wrapRoles(roles: { teacher: Teacher; responseTeacher: Teacher }): { teacher: Teacher; responseTeacher: Teacher } {
    const teacher = this.wrap(roles.teacher);
    return { teacher, responseTeacher: roles.responseTeacher === roles.teacher ? teacher : this.wrap(roles.responseTeacher) };
  }

  observe(model: string, seconds: number, outcome: { reply: ChatReply } | { error: unknown }): void {
    if ('reply' in outcome) {
      const r = outcome.reply;
      const status = r.cached === true ? 'cached' : 'ok';
      this.requests.inc({ model, status });
      this.latency.observe({ model, status }, seconds);
      if (r.cached === true) this.cacheHits.inc({ model });
      this.retries.inc({ model }, r.retries ?? 0);
      this.cost.inc({ model }, Math.max(0, r.costUsd));
      this.tokens.inc({ model, kind: 'prompt' }, r.promptTokens);
      this.tokens.inc({ model, kind: 'completion' }, r.completionTokens);
      return;
    }
    const status = isLaminiError(outcome.error) ? outcome.error.code : 'INTERNAL';
    this.requests.inc({ model, status });
    this.latency.observe({ model, status }, seconds);
    this.retries.inc({ model }, retriesOf(outcome.error));
  }
}

/** A teacher observed by `TeacherMetrics`; everything else passes through (its `formats` included). */
export class MeteredTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly formats?: FormatSupport;
  readonly #inner: Teacher;
  readonly #metrics: TeacherMetrics;
  readonly #unsubscribe: () => void;

  constructor(inner: Teacher, metrics: TeacherMetrics) {
    this.#inner = inner;
    this.#metrics = metrics;
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    if (inner.formats !== undefined) this.formats = inner.formats;
    const model = inner.model;
    this.#unsubscribe = inner instanceof TeacherChain
      ? inner.budget.onRateLimited(() => metrics.rateLimited.inc({ model }))
      : () => {};
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const reply = await this.#inner.chat(request, signal);
      this.#metrics.observe(this.model, seconds(), { reply });
      return reply;
    } catch (error) {
      this.#metrics.observe(this.model, seconds(), { error });
      throw error;
    }
  }

  close(): Promise<void> {
    this.#unsubscribe();
    return this.#inner.close();
  }
}
