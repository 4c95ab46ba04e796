/**
 * `createTeacher`: an OpenAI-compatible teacher at a base URL, or — with no base URL — the local teacher
 * (SmolLM2-135M through node-llama-cpp, fetched on first use) started on loopback and spoken to through the
 * very same client.
 */
import { join } from 'node:path';
import type { TeacherConfig } from '../common/config.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { BatchTeacher } from './batch.ts';
import { teacherCacheDir } from './cache.ts';
import { TeacherChain } from './chain.ts';
import type { TeacherLedger } from './ledger.ts';
import { resolveTeacherGguf } from './local/model-fetch.ts';
import type { LocalTeacherHandle } from './local/server.ts';
import { OpenAITeacher } from './openai-teacher.ts';
import { priceTableFromConfig } from './pricing.ts';
import type { PriceTable } from './pricing.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

export interface LocalTeacherConfig {
  /** A GGUF to serve; else `LAMINI_TEACHER_GGUF`, else the cached/fetched SmolLM2-135M-Instruct. */
  ggufPath?: string;
  port?: number;
  threads?: number;
  contextSize?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface CreateTeacherConfig {
  /** OpenAI-compatible base URL; empty or absent starts the local teacher. */
  baseURL?: string;
  apiKey?: string;
  /** Required with a base URL; the local teacher names itself after its GGUF. */
  model?: string;
  timeoutMs?: number;
  /** Retries by the chain's retry loop (the SDK's own are off). */
  maxRetries?: number;
  retryMaxElapsedMs?: number;
  /** Budgets of the chain (0: no limit; RPM and TPM adopt the server's x-ratelimit-* limits). */
  concurrency?: number;
  rpm?: number;
  tpm?: number;
  /** The data dir whose `cache/teacher/` holds the response cache; absent: no cache. */
  cacheDataDir?: string;
  /** The ledger the chain records into. */
  ledger?: TeacherLedger;
  /** `batch`: the OpenAI Batch API instead of one call per request (needs a base URL and `batchStateDir`). */
  mode?: 'online' | 'batch';
  batch?: { stateDir: string; maxBatchSize?: number; flushAfterMs?: number; pollMs?: number };
  prices?: PriceTable;
  /** Whether the server honours `response_format: json_schema` (default true; the local teacher always does). */
  structuredOutput?: boolean;
  local?: LocalTeacherConfig;
  /** Told of what the chain learns about the server (a structured-output mode it refuses: one line each). */
  log?: (line: string) => void;
}

/** The client wrapped in the chain (ledger, cache, retries, budgets). */
export async function createTeacher(config: CreateTeacherConfig): Promise<TeacherChain> {
  const base = await createBaseTeacher(config);
  const local = base instanceof LocalTeacher;
  return new TeacherChain(base, {
    // The local teacher listens on a new port each time: key its cache by the model it serves instead.
    baseURL: local ? `local:${base.model}` : (config.baseURL ?? ''),
    budget: { concurrency: config.concurrency ?? 0, rpm: config.rpm ?? 0, tpm: config.tpm ?? 0 },
    retry: {
      maxRetries: config.maxRetries ?? 6,
      ...(config.retryMaxElapsedMs === undefined ? {} : { maxElapsedMs: config.retryMaxElapsedMs }),
    },
    ...(config.cacheDataDir === undefined ? {} : { cacheDir: teacherCacheDir(config.cacheDataDir) }),
    ...(config.ledger === undefined ? {} : { ledger: config.ledger }),
    ...(config.log === undefined ? {} : { log: config.log }),
  });
}

/** The teachers of the two kinds of call; `instruction === response` when they share one teacher. */
export interface RoleTeachers {
  instruction: TeacherChain;
  response: TeacherChain;
}

/**
 * One chain when both roles resolve to the same client and budgets (`teacher` with no overrides), else one
 * chain each: two servers (or two models, or two keys) have two sets of rate limits, so two budgets. Both
 * record into `shared.ledger`. In batch mode each teacher remembers its batches in its own folder.
 */
export async function createRoleTeachers(
  instruction: CreateTeacherConfig, response: CreateTeacherConfig, shared: { ledger: TeacherLedger },
): Promise<RoleTeachers> {
  if (sameTeacher(instruction, response)) {
    // One chain for both stages: its concurrency cap is both stages' together.
    const concurrency = (instruction.concurrency ?? 0) + (response.concurrency ?? 0);
    const chain = await createTeacher({ ...instruction, concurrency, ledger: shared.ledger });
    return { instruction: chain, response: chain };
  }
  const own = (c: CreateTeacherConfig, role: string): CreateTeacherConfig => ({
    ...c, ledger: shared.ledger, ...(c.batch === undefined ? {} : { batch: { ...c.batch, stateDir: join(c.batch.stateDir, role) } }),
  });
  const first = await createTeacher(own(instruction, 'instruction'));
  try {
    return { instruction: first, response: await createTeacher(own(response, 'response')) };
  } catch (error) {
    await first.close();
    throw error;
  }
}

/** Whether two configs make the same teacher (the settings a client and its budgets are built from). */
export function sameTeacher(a: CreateTeacherConfig, b: CreateTeacherConfig): boolean {
  const key = (c: CreateTeacherConfig): string => JSON.stringify([
    c.baseURL ?? '', c.apiKey ?? '', c.model ?? '', c.concurrency ?? 0, c.rpm ?? 0, c.tpm ?? 0, c.mode ?? 'online', c.prices ?? {},
  ]);
  return key(a) === key(b);
}

/** The bare client (no chain): the SDK's own retries are off, the chain retries. */
export async function createBaseTeacher(config: CreateTeacherConfig): Promise<OpenAITeacher | LocalTeacher | BatchTeacher> {
  const timeoutMs = config.timeoutMs ?? 120_000;
  const maxRetries = 0;
  if (config.mode === 'batch') {
    if (config.baseURL === undefined || config.baseURL === '' || config.batch === undefined) {
      throw new LaminiError(ErrorCodes.USAGE, 'batch mode needs an OpenAI-compatible base URL that serves /v1/files and /v1/batches (--teacher-url)');
    }
    const b = config.batch;
    return new BatchTeacher({
      baseURL: config.baseURL, apiKey: config.apiKey ?? '', model: config.model ?? 'gpt-4o-mini', prices: config.prices ?? {},
      stateDir: b.stateDir,
      ...(b.maxBatchSize === undefined ? {} : { maxBatchSize: b.maxBatchSize }),
      ...(b.flushAfterMs === undefined ? {} : { flushAfterMs: b.flushAfterMs }),
      ...(b.pollMs === undefined ? {} : { pollMs: b.pollMs }),
      ...(config.structuredOutput === undefined ? {} : { structuredOutput: config.structuredOutput }),
    });
  }
  if (config.baseURL !== undefined && config.baseURL !== '') {
    return new OpenAITeacher({
      baseURL: config.baseURL,
      apiKey: config.apiKey ?? '',
      model: config.model ?? 'gpt-4o-mini',
      timeoutMs,
      maxRetries,
      prices: config.prices ?? {},
      ...(config.structuredOutput === undefined ? {} : { structuredOutput: config.structuredOutput }),
    });
  }
  const local = config.local ?? {};
  const ggufPath =
    local.ggufPath ??
    (await resolveTeacherGguf({
      ...(local.env === undefined ? {} : { env: local.env }),
      ...(local.log === undefined ? {} : { log: local.log }),
    }));
  // Loaded only here: node-llama-cpp is needed by a process that runs the local teacher, and by no other.
  const { startLocalTeacher } = await import('./local/server.ts');
  const handle = await startLocalTeacher({
    ggufPath,
    ...(local.port === undefined ? {} : { port: local.port }),
    ...(local.threads === undefined ? {} : { threads: local.threads }),
    ...(local.contextSize === undefined ? {} : { contextSize: local.contextSize }),
  });
  const client = new OpenAITeacher({ baseURL: handle.baseURL, apiKey: '', model: handle.model, timeoutMs, maxRetries, prices: {}, structuredOutput: true });
  return new LocalTeacher(client, handle);
}

/** The local teacher as a Teacher: the OpenAI client over our own server, which it stops on close. */
export class LocalTeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput = true;
  readonly baseURL: string;
  #client: OpenAITeacher;
  #handle: LocalTeacherHandle;

  constructor(client: OpenAITeacher, handle: LocalTeacherHandle) {
    this.#client = client;
    this.#handle = handle;
    this.model = client.model;
    this.baseURL = handle.baseURL;
  }

  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    return this.#client.chat(request, signal);
  }

  async close(): Promise<void> {
    await this.#client.close();
    await this.#handle.close();
  }
}

/**
 * Maps the project config's teacher section (`common/config.ts`) onto `createTeacher`'s options. `stages`: how
 * many stages share this teacher (its concurrency budget is `teacher.concurrency` per stage).
 */
export function teacherConfigFromAppConfig(t: TeacherConfig, stages = 2): CreateTeacherConfig {
  return {
    baseURL: t.baseUrl,
    apiKey: t.apiKey,
    model: t.model,
    timeoutMs: t.timeoutMs,
    maxRetries: t.maxRetries,
    retryMaxElapsedMs: t.retryMaxElapsedMs,
    // `teacher.concurrency` is per stage (generate and respond each run that many calls); a chain shared by both caps them together.
    concurrency: t.concurrency * stages,
    rpm: t.rpm,
    tpm: t.tpm,
    prices: priceTableFromConfig(t.prices),
    mode: t.mode,
  };
}
