/**
 * The teacher chain: decorators around any Teacher, outermost first —
 *   LedgerTeacher (one ledger entry per call) → CachedTeacher (a hit pays nothing) →
 *   RetryingTeacher (the one retry loop) → BudgetedTeacher (concurrency, RPM, TPM) → the client.
 * Budgets sit inside the retry loop so every attempt waits its turn; the cache sits outside it so a hit
 * neither waits nor retries; the ledger sees what the caller saw.
 */
import { DEFAULT_RETRY_POLICY, type RetryHooks, type RetryPolicy } from '../common/retry.ts';
import { BudgetedTeacher, type BudgetConfig, type BudgetHooks } from './budget.ts';
import { CachedTeacher, type CacheCounters } from './cache.ts';
import { FormatSupport } from './formats.ts';
import { LedgerTeacher, TeacherLedger } from './ledger.ts';
import { RetryingTeacher } from './retrying.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

export interface ChainOptions {
  /** Part of the cache key and the ledger's request hash (the local teacher passes a stable name). */
  baseURL: string;
  budget: BudgetConfig;
  retry?: Partial<RetryPolicy>;
  /** The cache folder (`teacherCacheDir(dataDir)`); absent: no cache. */
  cacheDir?: string;
  /** Where entries go; a new ledger when absent. */
  ledger?: TeacherLedger;
  hooks?: BudgetHooks & Omit<RetryHooks, 'signal' | 'onRetry'>;
  /** Told, once, of each structured-output mode the server refuses (teacher/formats.ts). */
  log?: (line: string) => void;
}

export class TeacherChain implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly ledger: TeacherLedger;
  readonly budget: BudgetedTeacher;
  readonly retrying: RetryingTeacher;
  readonly cache: CachedTeacher | undefined;
  readonly formats: FormatSupport;
  readonly #outer: Teacher;

  constructor(inner: Teacher, options: ChainOptions) {
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    this.ledger = options.ledger ?? new TeacherLedger();
    this.formats = new FormatSupport({ model: inner.model, ...(options.log === undefined ? {} : { log: options.log }) });
    const hooks = options.hooks ?? {};
    this.budget = new BudgetedTeacher(inner, options.budget, hooks);
    this.retrying = new RetryingTeacher(this.budget, { ...DEFAULT_RETRY_POLICY, ...options.retry }, hooks);
    this.cache = options.cacheDir === undefined ? undefined : new CachedTeacher(this.retrying, { dir: options.cacheDir, baseURL: options.baseURL });
    this.#outer = new LedgerTeacher(this.cache ?? this.retrying, {
      ledger: this.ledger, baseURL: options.baseURL, ...(hooks.now === undefined ? {} : { now: hooks.now }),
    });
  }

  get cacheCounters(): CacheCounters {
    return this.cache?.counters ?? { hits: 0, misses: 0, savedUsd: 0 };
  }

  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    return this.#outer.chat(request, signal);
  }

  close(): Promise<void> {
    return this.#outer.close();
  }
}
