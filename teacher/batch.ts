/**
 * `BatchTeacher`: the OpenAI Batch API (half price) behind the same `chat()`. Calls are collected until
 * `maxBatchSize` wait or `flushAfterMs` passes, written as JSONL (`custom_id` = the request hash), uploaded
 * (`/v1/files`, purpose `batch`), submitted (`/v1/batches`), polled, and their output file mapped back to the
 * waiting calls by `custom_id`.
 *
 * Resumable: a submitted batch's id and request hashes are written to `<stateDir>/<batch id>.json` before any
 * wait. A restarted run replays the tasks in flight (task k is a pure function of the run seed), so its calls
 * have the same hashes: they attach to the stored batch, which is polled again instead of submitted twice.
 * The state file is removed once its results are delivered (and, through the chain, cached).
 *
 * The one gap left is the create call itself: a crash after the server made the batch but before its id
 * reached disk would submit the requests again. So an intent (`intent-<key>.json`, the key a hash of the
 * batch's request hashes) is written before the create, the batch carries the key in its `metadata`, and
 * an intent found on start (or a create that failed without an answer) is settled by listing the
 * server's recent batches for that key: found, it is followed like a stored one; not found, the create
 * never happened and the calls are submitted again when their tasks are replayed.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { sleepMs } from '../common/retry.ts';
import { requestHash } from './cache.ts';
import { toBody } from './openai-teacher.ts';
import { costUsd, priceFor, type PriceTable } from './pricing.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

export interface BatchTeacherConfig {
  baseURL: string;
  apiKey: string;
  model: string;
  prices: PriceTable;
  /** Where submitted batches are remembered (`<dataDir>/cache/teacher/batches`). */
  stateDir: string;
  maxBatchSize?: number;
  flushAfterMs?: number;
  pollMs?: number;
  /** Batch results cost this share of the online price (0.5 at OpenAI). */
  priceFactor?: number;
  structuredOutput?: boolean;
  fetch?: typeof globalThis.fetch;
}

interface Waiter {
  resolve: (reply: ChatReply) => void;
  reject: (error: unknown) => void;
}

interface BatchState {
  batch_id: string;
  hashes: string[];
  created_at: string;
}

/** A create about to be sent: its key (also in the batch's metadata) and the requests it covers. */
interface BatchIntent {
  key: string;
  hashes: string[];
}

/** The metadata field that names a batch's key on the server. */
const KEY_FIELD = 'lamini_batch_key';
/** How many of the server's most recent batches are searched for an intent's key. */
const RECENT_BATCHES = 100;

export class BatchTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  /** Batches this process submitted (a resumed one is not counted). */
  submitted = 0;
  readonly #client: OpenAI;
  readonly #config: BatchTeacherConfig;
  readonly #waiting = new Map<string, Waiter[]>();
  /** Hashes covered by a submitted batch, stored or resumed. */
  readonly #inBatch = new Set<string>();
  #pending: Array<{ hash: string; request: ChatRequest }> = [];
  /** Results of a resumed batch that arrived before their calls were made again. */
  readonly #early = new Map<string, ChatReply>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Ends the HTTP calls in flight on close (a create, a poll), so a closed teacher holds no socket or timer. */
  readonly #stop = new AbortController();
  #resumed: Promise<void>;

  constructor(config: BatchTeacherConfig) {
    this.#config = config;
    this.model = config.model;
    this.structuredOutput = config.structuredOutput ?? true;
    this.#client = new OpenAI({
      baseURL: config.baseURL, apiKey: config.apiKey === '' ? 'no-key' : config.apiKey, maxRetries: 2, logLevel: 'off',
      ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    });
    this.#resumed = this.#resume();
  }

  async chat(request: ChatRequest): Promise<ChatReply> {
    await this.#resumed;
    const hash = requestHash(this.#config.baseURL, this.model, request);
    const early = this.#early.get(hash);
    if (early !== undefined) {
      this.#early.delete(hash);
      return early;
    }
    const reply = new Promise<ChatReply>((resolve, reject) => {
      const list = this.#waiting.get(hash) ?? [];
      list.push({ resolve, reject });
      this.#waiting.set(hash, list);
    });
    if (!this.#inBatch.has(hash) && !this.#pending.some((p) => p.hash === hash)) {
      this.#pending.push({ hash, request });
      if (this.#pending.length >= (this.#config.maxBatchSize ?? 1000)) void this.#flush();
      else this.#timer ??= setTimeout(() => void this.#flush(), this.#config.flushAfterMs ?? 1000);
    }
    return reply;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const error = new LaminiError(ErrorCodes.TEACHER_ABORTED, 'batch teacher closed; submitted batches resume on the next run');
    for (const list of this.#waiting.values()) for (const w of list) w.reject(error);
    this.#waiting.clear();
  }

  async #flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const items = this.#pending;
    this.#pending = [];
    if (items.length === 0 || this.#closed) return;
    for (const item of items) this.#inBatch.add(item.hash);
    try {
      const jsonl = items
        .map((i) => JSON.stringify({ custom_id: i.hash, method: 'POST', url: '/v1/chat/completions', body: toBody(this.model, i.request) }))
        .join('\n') + '\n';
      const intent: BatchIntent = { key: batchKey(items.map((i) => i.hash)), hashes: items.map((i) => i.hash) };
      await this.#write(`intent-${intent.key}.json`, intent);
      const file = await this.#client.files.create({ file: await toFile(Buffer.from(jsonl), 'lamini-batch.jsonl'), purpose: 'batch' }, this.#call());
      let batchId: string | undefined;
      try {
        // No blind retry here (the client's own would make a second batch when only the answer was lost):
        // a failed create is settled by key below, and the calls' retries submit again if it made nothing.
        const batch = await this.#client.batches.create({
          input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { [KEY_FIELD]: intent.key },
        }, { ...this.#call(), maxRetries: 0 });
        batchId = batch.id;
        this.submitted++;
      } catch (error) {
        // Closing mid-create: the intent stays for the next start to settle.
        if (this.#closed) throw error;
        // No answer is not no batch: the server may have made it before the connection broke.
        batchId = await this.#findByKey(intent.key);
        if (batchId === undefined) {
          await this.#forgetIntent(intent.key);
          throw error;
        }
      }
      await this.#follow(await this.#store(intent, batchId));
    } catch (error) {
      for (const item of items) {
        this.#inBatch.delete(item.hash);
        this.#fail(item.hash, error);
      }
    }
  }

  /** Poll a batch to its end, deliver its results, forget it. */
  async #follow(state: BatchState): Promise<void> {
    let batch = await this.#client.batches.retrieve(state.batch_id, this.#call());
    while (!this.#closed && ['validating', 'in_progress', 'finalizing'].includes(batch.status)) {
      await sleepMs(this.#config.pollMs ?? 30_000);
      if (this.#closed) return;
      batch = await this.#client.batches.retrieve(state.batch_id, this.#call());
    }
    if (this.#closed) return;
    const delivered = new Set<string>();
    if (batch.output_file_id !== null && batch.output_file_id !== undefined) {
      const text = await (await this.#client.files.content(batch.output_file_id, this.#call())).text();
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const row = JSON.parse(line) as { custom_id: string; response?: { status_code: number; body: unknown } | null; error?: unknown };
        delivered.add(row.custom_id);
        this.#inBatch.delete(row.custom_id);
        if (row.response?.status_code === 200) this.#deliver(row.custom_id, row.response.body);
        else this.#fail(row.custom_id, new LaminiError(ErrorCodes.TEACHER_HTTP, `batch ${state.batch_id}: request failed (status ${row.response?.status_code ?? 'none'})`, { retriable: false }));
      }
    }
    for (const hash of state.hashes) {
      if (delivered.has(hash)) continue;
      this.#inBatch.delete(hash);
      this.#fail(hash, new LaminiError(ErrorCodes.TEACHER_HTTP, `batch ${state.batch_id} ended ${batch.status} without this request`, { retriable: false }));
    }
    await rm(join(this.#config.stateDir, `${state.batch_id}.json`), { force: true });
  }

  #deliver(hash: string, body: unknown): void {
    const completion = body as { model?: string; choices?: Array<{ message?: { content?: string | null }; finish_reason?: string }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
    const text = completion.choices?.[0]?.message?.content ?? '';
    const promptTokens = completion.usage?.prompt_tokens ?? 0;
    const completionTokens = completion.usage?.completion_tokens ?? 0;
    // Keyed on the configured name; the server's name for the model is kept beside it (and priced when listed).
    const serverModel = typeof completion.model === 'string' && completion.model !== '' ? completion.model : undefined;
    const priceModel = serverModel !== undefined && priceFor(this.#config.prices, serverModel) !== undefined ? serverModel : this.model;
    const reply: ChatReply = {
      text, model: this.model, ...(serverModel === undefined ? {} : { serverModel }), promptTokens, completionTokens,
      finishReason: completion.choices?.[0]?.finish_reason ?? 'stop',
      costUsd: costUsd(this.#config.prices, priceModel, promptTokens, completionTokens) * (this.#config.priceFactor ?? 0.5),
    };
    const list = this.#waiting.get(hash) ?? [];
    this.#waiting.delete(hash);
    if (list.length === 0 && text.trim() !== '') {
      this.#early.set(hash, reply);
      return;
    }
    if (text.trim() === '') {
      for (const w of list) w.reject(new LaminiError(ErrorCodes.TEACHER_BAD_REPLY, `batch reply with empty content`, { retriable: false }));
      return;
    }
    for (const w of list) w.resolve(reply);
  }

  #fail(hash: string, error: unknown): void {
    const list = this.#waiting.get(hash) ?? [];
    this.#waiting.delete(hash);
    for (const w of list) w.reject(error);
  }

  #call(): { signal: AbortSignal } {
    return { signal: this.#stop.signal };
  }

  async #save(state: BatchState): Promise<void> {
    await this.#write(`${state.batch_id}.json`, state);
  }

  async #write(name: string, value: BatchState | BatchIntent): Promise<void> {
    await mkdir(this.#config.stateDir, { recursive: true });
    const path = join(this.#config.stateDir, name);
    await writeFile(`${path}.tmp`, JSON.stringify(value));
    await rename(`${path}.tmp`, path);
  }

  async #forgetIntent(key: string): Promise<void> {
    await rm(join(this.#config.stateDir, `intent-${key}.json`), { force: true });
  }

  /**
   * The id of the server's batch made for `key`, among its most recent ones; undefined when none is, or
   * when the server cannot list batches (then the requests go out again: a second batch is only possible
   * if a crash inside the create's round trip meets a server that cannot list).
   */
  async #findByKey(key: string): Promise<string | undefined> {
    try {
      const page = await this.#client.batches.list({ limit: RECENT_BATCHES }, this.#call());
      return page.data.find((b) => b.metadata?.[KEY_FIELD] === key)?.id;
    } catch {
      return undefined;
    }
  }

  /** An intent left by a crash: the batch it made, stored and followed like any other, or nothing. */
  async #settle(intent: BatchIntent): Promise<BatchState | undefined> {
    const id = await this.#findByKey(intent.key);
    if (id !== undefined) return this.#store(intent, id);
    await this.#forgetIntent(intent.key);
    return undefined;
  }

  /** The batch made for `intent`, stored under its id; the intent is then no longer needed. */
  async #store(intent: BatchIntent, batchId: string): Promise<BatchState> {
    const state: BatchState = { batch_id: batchId, hashes: intent.hashes, created_at: new Date().toISOString() };
    await this.#save(state);
    await this.#forgetIntent(intent.key);
    return state;
  }

  /** Batches a previous run submitted and never delivered: their hashes wait for the same calls again. */
  async #resume(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#config.stateDir);
    } catch {
      return;
    }
    const states: BatchState[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      let value: BatchState | BatchIntent;
      try {
        value = JSON.parse(await readFile(join(this.#config.stateDir, name), 'utf8')) as BatchState | BatchIntent;
      } catch {
        continue;
      }
      if (!name.startsWith('intent-')) {
        states.push(value as BatchState);
        continue;
      }
      const settled = await this.#settle(value as BatchIntent);
      if (settled !== undefined && !names.includes(`${settled.batch_id}.json`)) states.push(settled);
    }
    for (const state of states) {
      for (const hash of state.hashes) this.#inBatch.add(hash);
      void this.#follow(state).catch((error: unknown) => {
        for (const hash of state.hashes) {
          this.#inBatch.delete(hash);
          this.#fail(hash, error);
        }
      });
    }
  }
}

/** A batch's key: a hash of the request hashes it covers, the same for the same requests after a restart. */
function batchKey(hashes: readonly string[]): string {
  return createHash('sha256').update([...hashes].sort().join('\n')).digest('hex').slice(0, 32);
}
