/**
 * The teacher ledger: one entry per call a caller made (time, model, tokens, cost, status, retries, cached or
 * not, task number), keyed on the configured model name with the server's name for it beside it, recorded by `LedgerTeacher` at the outside of the chain. Entries wait in memory until the
 * run commits them with the next corpus commit (`teacher_requests` shards); spend is summed from them.
 */
import { randomUUID } from 'node:crypto';
import { isLaminiError } from '../common/errors.ts';
import { retriesOf } from '../common/retry.ts';
import { requestHash } from './cache.ts';
import type { TeacherRequest } from '../schemas/types.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

/** A `teacher_requests` row: the `TeacherRequest` record of schemas/teacher_request.avsc. */
export type LedgerEntry = TeacherRequest;

export interface LedgerTotals {
  requests: number;
  failed: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  spentUsd: number;
  savedUsd: number;
  retries: number;
}

export class TeacherLedger {
  /**
   * Whether entries wait for a commit. A process with no corpus to commit them to (a Kafka operator process)
   * keeps only the totals, so its memory does not grow with every call.
   */
  keepEntries: boolean;
  readonly totals: LedgerTotals = { requests: 0, failed: 0, cacheHits: 0, promptTokens: 0, completionTokens: 0, spentUsd: 0, savedUsd: 0, retries: 0 };
  #pending: LedgerEntry[] = [];
  readonly #byTask = new Map<number, number>();
  #maxTask = 0;

  constructor(options: { keepEntries?: boolean } = {}) {
    this.keepEntries = options.keepEntries ?? true;
  }

  record(entry: LedgerEntry): void {
    if (this.keepEntries) this.#pending.push(entry);
    if (entry.cost_usd > 0) {
      const task = (this.#byTask.get(entry.task_number) ?? 0) + entry.cost_usd;
      this.#byTask.set(entry.task_number, task);
      if (task > this.#maxTask) this.#maxTask = task;
    }
    const t = this.totals;
    t.requests++;
    if (entry.status !== 'ok' && entry.status !== 'cached') t.failed++;
    if (entry.cached) t.cacheHits++;
    t.promptTokens += entry.prompt_tokens;
    t.completionTokens += entry.completion_tokens;
    t.spentUsd += entry.cost_usd;
    t.savedUsd += entry.saved_usd;
    t.retries += entry.retries;
  }

  /** What task k's calls have cost in this process (for `--max-cost` projections). */
  taskSpentUsd(k: number): number {
    return this.#byTask.get(k) ?? 0;
  }

  /** The most any one task's calls have cost in this process. */
  get maxTaskSpentUsd(): number {
    return this.#maxTask;
  }

  /** `--max-cost` over this ledger (operators/planner/cost-limit.ts). */
  costLimit(limitUsd: number): { limitUsd: number; spentUsd: () => number; taskSpentUsd: (k: number) => number; maxTaskSpentUsd: () => number } {
    return {
      limitUsd,
      spentUsd: () => this.totals.spentUsd,
      taskSpentUsd: (k) => this.taskSpentUsd(k),
      maxTaskSpentUsd: () => this.#maxTask,
    };
  }

  /** Entries not yet committed; they leave the ledger's memory. */
  drain(): LedgerEntry[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /** Put back entries whose commit failed, ahead of newer ones. */
  restore(entries: readonly LedgerEntry[]): void {
    this.#pending = [...entries, ...this.#pending];
  }

  get pending(): number {
    return this.#pending.length;
  }
}

export class LedgerTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly ledger: TeacherLedger;
  readonly #inner: Teacher;
  readonly #baseURL: string;
  readonly #now: () => number;

  constructor(inner: Teacher, options: { ledger: TeacherLedger; baseURL: string; now?: () => number }) {
    this.#inner = inner;
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    this.ledger = options.ledger;
    this.#baseURL = options.baseURL;
    this.#now = options.now ?? Date.now;
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    const started = this.#now();
    const base = {
      id: randomUUID(),
      request_hash: requestHash(this.#baseURL, this.model, request),
      task_number: request.taskNumber,
      created_at: started,
    };
    try {
      const reply = await this.#inner.chat(request, signal);
      const cached = reply.cached === true;
      this.ledger.record({
        ...base, model: this.model, server_model: reply.serverModel ?? '', status: cached ? 'cached' : 'ok',
        prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens,
        cost_usd: reply.costUsd, saved_usd: reply.savedUsd ?? 0, retries: reply.retries ?? 0, cached,
        latency_ms: this.#now() - started, error: '',
      });
      return reply;
    } catch (error) {
      const status = isLaminiError(error) ? error.code : 'INTERNAL';
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      this.ledger.record({
        ...base, model: this.model, server_model: '', status, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, saved_usd: 0,
        retries: retriesOf(error), cached: false, latency_ms: this.#now() - started, error: message,
      });
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
