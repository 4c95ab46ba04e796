/**
 * `CachedTeacher`: the response cache, on disk under `<dataDir>/cache/teacher/`, one JSON file per request
 * keyed by sha256 of (base URL, model, messages, parameters, task number). The task number is in the key so a
 * deliberate resample (another task with the same prompt) pays again, while a replay of the same task after a
 * crash, or a second run over the same tasks, pays nothing. Only successful replies are stored; an entry is
 * written to a temp file and renamed, so a crash leaves either a whole entry or none.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

const CACHE_VERSION = 1;

/** The request hash: the cache key and the ledger's `request_hash`. */
export function requestHash(baseURL: string, model: string, request: ChatRequest): string {
  const key = {
    v: CACHE_VERSION,
    baseURL,
    model,
    messages: request.messages.map((m) => [m.role, m.content]),
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    seed: request.seed ?? null,
    stop: request.stop ?? null,
    jsonSchema: request.jsonSchema ?? null,
    taskNumber: request.taskNumber,
    // Only when set, so the keys of entries made before the field existed stay the same.
    ...(request.responseFormat === undefined ? {} : { responseFormat: request.responseFormat }),
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

export function teacherCacheDir(dataDir: string): string {
  return join(dataDir, 'cache', 'teacher');
}

interface Entry {
  version: number;
  hash: string;
  created_at: string;
  reply: Pick<ChatReply, 'text' | 'model' | 'serverModel' | 'promptTokens' | 'completionTokens' | 'costUsd' | 'finishReason'>;
}

export interface CacheCounters {
  hits: number;
  misses: number;
  /** What the hits would have cost. */
  savedUsd: number;
}

export class CachedTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly counters: CacheCounters = { hits: 0, misses: 0, savedUsd: 0 };
  readonly #inner: Teacher;
  readonly #dir: string;
  readonly #baseURL: string;

  constructor(inner: Teacher, options: { dir: string; baseURL: string }) {
    this.#inner = inner;
    this.model = inner.model;
    this.structuredOutput = inner.structuredOutput;
    this.#dir = options.dir;
    this.#baseURL = options.baseURL;
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    const hash = requestHash(this.#baseURL, this.model, request);
    const path = this.#path(hash);
    const hit = await readEntry(path, hash);
    if (hit !== undefined) {
      this.counters.hits++;
      this.counters.savedUsd += hit.reply.costUsd;
      // Entries written before `serverModel` existed hold the server's name in `model`.
      const serverModel = hit.reply.serverModel ?? (hit.reply.model !== this.model ? hit.reply.model : undefined);
      return {
        ...hit.reply, model: this.model, ...(serverModel === undefined ? {} : { serverModel }),
        costUsd: 0, savedUsd: hit.reply.costUsd, cached: true,
      };
    }
    this.counters.misses++;
    const reply = await this.#inner.chat(request, signal);
    const entry: Entry = {
      version: CACHE_VERSION,
      hash,
      created_at: new Date().toISOString(),
      reply: {
        text: reply.text, model: reply.model, ...(reply.serverModel === undefined ? {} : { serverModel: reply.serverModel }),
        promptTokens: reply.promptTokens, completionTokens: reply.completionTokens,
        costUsd: reply.costUsd, finishReason: reply.finishReason,
      },
    };
    await writeEntry(path, entry).catch(() => undefined); // a cache that cannot be written only costs a replay
    return reply;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #path(hash: string): string {
    return join(this.#dir, hash.slice(0, 2), `${hash}.json`);
  }
}

async function readEntry(path: string, hash: string): Promise<Entry | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Entry;
    // A damaged or foreign entry is a miss (and is overwritten by the next reply).
    if (entry.version !== CACHE_VERSION || entry.hash !== hash || typeof entry.reply?.text !== 'string') return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

async function writeEntry(path: string, entry: Entry): Promise<void> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
