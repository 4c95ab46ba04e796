/**
 * A test double for any OpenAI-compatible teacher: a node:http server on 127.0.0.1 (port 0) answering
 * `/v1/chat/completions` and `/v1/models` from a script `(body, requestIndex) => step`. A step is a reply or a
 * fault (an HTTP status, a hang, a cut-off JSON body, a body that trickles out slower than the client waits,
 * prose without `<example>` tags). Every request is recorded. (Our client never asks for `stream: true`, so
 * there is no server-sent-events fault: a stalled SSE stream would be the slow body's twin.)
 *
 * The default script answers generation prompts with N distinct instructions derived from a hash of the prompt
 * (in `<example>` tags, or `{"instructions": [...]}` when a json_schema or json_object response_format is
 * asked), and response prompts with a short deterministic answer. Compose scripts with `faultsFirst`, `everyNth` or your own function.
 *
 * With `limits`, it enforces requests- and tokens-per-minute as OpenAI does: token buckets holding a minute's
 * worth, refilled continuously; a request is charged 1 request and `prompt tokens + max_tokens` on arrival and
 * refunded the unused completion tokens when answered; one that does not fit gets a 429 with `retry-after-ms`
 * and `retry-after`. Every reply carries `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { completionBody, errorBody, modelsBody, parseChatRequest, readJson, sendJson } from '../../teacher/local/wire.ts';
import type { WireChatRequest } from '../../teacher/local/wire.ts';
import { TokenBucket } from '../../teacher/token-bucket.ts';

export type ScriptStep =
  | { kind: 'reply'; text: string; finishReason?: string }
  /**
   * An HTTP error; 429 sends `Retry-After: retryAfterSeconds` (default 0). 401 echoes the presented key, as some
   * servers do. `type`: the error body's `type` (default by status).
   */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; message?: string; type?: string }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: 'hang' }
  /** A 200 whose JSON body is cut off half-way. */
  | { kind: 'truncated' }
  /**
   * A slow stream: the 200 and its headers at once, then the full JSON body in `chunks` pieces (default 8),
   * `delayMs` apart. Longer in total than a client's request timeout, it tests that the timeout covers the body.
   */
  | { kind: 'slow-body'; delayMs: number; chunks?: number }
  /** A well-formed reply whose text has no `<example>` tags (a teacher that ignored the format). */
  | { kind: 'no-tags' }
  /** Any JSON body with status 200 (e.g. `{choices: []}`). */
  | { kind: 'body'; body: unknown };

export interface ScriptContext {
  /** The parsed request. */
  request: WireChatRequest;
  /** The raw JSON body. */
  body: unknown;
  /** What the default script would answer. */
  fallback: () => ScriptStep;
}

export type Script = (ctx: ScriptContext, requestIndex: number) => ScriptStep | Promise<ScriptStep>;

export interface RecordedRequest {
  index: number;
  path: string;
  body: unknown;
  authorization: string | undefined;
  step: ScriptStep['kind'] | 'invalid';
}

export interface ScriptedTeacherOptions {
  script?: Script;
  model?: string;
  /** Instructions per generation reply when the prompt names no number (default 20). */
  instructionsPerPrompt?: number;
  port?: number;
  /** Enforced rate limits (absent: none, and no x-ratelimit headers). */
  limits?: { rpm?: number; tpm?: number; now?: () => number };
  /** Delay before every reply (after the limits admit the request): fixed, or per request (a latency distribution). */
  latencyMs?: number | ((index: number, body: unknown) => number);
  /** `/v1/batches`: batches stay `in_progress` until `releaseBatches()` (default: they complete at once). */
  holdBatches?: boolean;
}

export interface ScriptedTeacher {
  baseURL: string;
  model: string;
  /** Chat-completion requests, in arrival order (`/v1/models` calls are not counted). */
  readonly requests: RecordedRequest[];
  readonly count: number;
  /** Requests refused with 429 by the enforced limits (scripted 429s are not counted). */
  readonly rateLimited: number;
  /** Batches created through `/v1/batches`. */
  readonly batchesCreated: number;
  /** The `custom_id`s of each created batch's input file, in creation order. */
  readonly batchCustomIds: ReadonlyArray<readonly string[]>;
  /** Complete every held batch. */
  releaseBatches(): void;
  close(): Promise<void>;
}

export async function startScriptedTeacher(options: ScriptedTeacherOptions = {}): Promise<ScriptedTeacher> {
  const model = options.model ?? 'scripted-teacher';
  const perPrompt = options.instructionsPerPrompt ?? 20;
  const script: Script = options.script ?? ((ctx) => ctx.fallback());
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const limiter = options.limits === undefined ? undefined : new Limiter(options.limits);
  const batchApi = new BatchApi(model, perPrompt, options.holdBatches === true);
  let rateLimited = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, modelsBody([model], 'lamini-test'));
      if (path.startsWith('/v1/files') || path.startsWith('/v1/batches')) return batchApi.handle(req, res, path);
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        return sendJson(res, 404, errorBody(`no route ${req.method} ${path}`, 'invalid_request_error'));
      }
      const body = await readJson(req);
      const index = requests.length;
      const record: RecordedRequest = { index, path, body, authorization: req.headers.authorization, step: 'invalid' };
      requests.push(record);
      const parsed = parseChatRequest(body);
      if (!parsed.ok) return sendJson(res, 400, errorBody(parsed.issues.join('; '), 'invalid_request_error'));
      const request = parsed.request;
      const promptTokens = approxTokens(request.messages.map((m) => m.content).join('\n'));
      const charge = promptTokens + (request.maxTokens ?? 16);
      if (limiter !== undefined) {
        const refused = limiter.admit(charge);
        if (refused !== undefined) {
          rateLimited++;
          record.step = 'status';
          return sendJson(res, 429, errorBody(`Rate limit reached for ${refused.what} per min. Please try again in ${refused.waitMs}ms.`, 'requests', 'rate_limit_exceeded'), {
            ...limiter.headers(), 'retry-after-ms': String(refused.waitMs), 'retry-after': String(Math.ceil(refused.waitMs / 1000)),
          });
        }
      }
      const step = await script({ request, body, fallback: () => defaultStep(request, perPrompt) }, index);
      record.step = step.kind;
      const latency = typeof options.latencyMs === 'function' ? options.latencyMs(index, body) : options.latencyMs ?? 0;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const used = respond(res, step, request, model, req.headers.authorization, limiter?.headers() ?? {});
      if (limiter !== undefined && used !== undefined) limiter.refund(charge - used);
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(`scripted teacher failed: ${String(error)}`, 'server_error'));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model,
    requests,
    get count() {
      return requests.length;
    },
    get rateLimited() {
      return rateLimited;
    },
    get batchesCreated() {
      return batchApi.created;
    },
    get batchCustomIds() {
      return batchApi.customIds;
    },
    releaseBatches: () => batchApi.release(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends the step's response; returns the tokens a reply used (undefined when it sent no usage). */
function respond(res: import('node:http').ServerResponse, step: ScriptStep, request: WireChatRequest, model: string, auth: string | undefined, limitHeaders: Record<string, string>): number | undefined {
  const usage = (text: string) => ({ promptTokens: approxTokens(request.messages.map((m) => m.content).join('\n')), completionTokens: approxTokens(text) });
  const reply = (text: string, finishReason: string): number => {
    const u = usage(text);
    sendJson(res, 200, completionBody({ model, text, finishReason, ...u }), limitHeaders);
    return u.promptTokens + u.completionTokens;
  };
  switch (step.kind) {
    case 'reply':
      return reply(step.text, step.finishReason ?? 'stop');
    case 'no-tags':
      return reply('Here are some ideas you might like: cooking, travel and learning a new language.', 'stop');
    case 'body':
      sendJson(res, 200, step.body, limitHeaders);
      return undefined;
    case 'truncated': {
      const full = JSON.stringify(completionBody({ model, text: 'cut off', finishReason: 'stop', promptTokens: 1, completionTokens: 1 }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(full.slice(0, Math.floor(full.length / 2)));
      return;
    }
    case 'slow-body': {
      const text = deterministicAnswer(JSON.stringify(request.messages));
      const u = usage(text);
      trickle(res, JSON.stringify(completionBody({ model, text, finishReason: 'stop', ...u })), step.chunks ?? 8, step.delayMs, limitHeaders);
      return u.promptTokens + u.completionTokens;
    }
    case 'hang':
      return;
    case 'status': {
      const headers: Record<string, string> = { ...limitHeaders };
      if (step.status === 429) headers['retry-after'] = String(step.retryAfterSeconds ?? 0);
      const presented = auth?.replace(/^Bearer\s+/i, '') ?? '';
      const message =
        step.message ??
        (step.status === 401
          ? `Incorrect API key provided: ${presented}.`
          : step.status === 429
            ? 'Rate limit reached, please retry.'
            : `scripted fault ${step.status}`);
      const type = step.type ?? (step.status === 401 ? 'invalid_request_error' : step.status === 429 ? 'rate_limit_error' : 'server_error');
      sendJson(res, step.status, errorBody(message, type, step.status === 401 ? 'invalid_api_key' : null), headers);
      return undefined;
    }
  }
}

/** Headers now, then `body` in `chunks` pieces `delayMs` apart; stops when the client goes away. */
function trickle(res: import('node:http').ServerResponse, body: string, chunks: number, delayMs: number, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.flushHeaders();
  const size = Math.ceil(body.length / Math.max(1, chunks));
  let at = 0;
  const next = (): void => {
    if (res.destroyed || res.writableEnded) return;
    const piece = body.slice(at, at + size);
    at += size;
    if (at >= body.length) res.end(piece);
    else {
      res.write(piece);
      setTimeout(next, delayMs);
    }
  };
  setTimeout(next, delayMs);
}

// ---- the default script ----

/** A generation prompt: it carries `<example>` tags, asks for new instructions/examples, or asks for JSON. */
export function isGenerationRequest(request: WireChatRequest): boolean {
  if (request.jsonSchema !== undefined || request.jsonObject) return true;
  const user = request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  return /<example>/i.test(user) || /\bgenerate\b[^.]*\b(instructions|examples)\b/i.test(user);
}

export function defaultStep(request: WireChatRequest, perPrompt: number): ScriptStep {
  const prompt = request.messages.map((m) => `${m.role}: ${m.content}`).join('\n');
  const seedPart = request.seed === undefined ? '' : `\nseed:${request.seed}`;
  if (isGenerationRequest(request)) {
    const asked = /(\d{1,3})\s+(?:\w+\s+){0,2}(?:instructions|examples)/i.exec(prompt);
    let n = asked?.[1] === undefined ? perPrompt : Number(asked[1]);
    const maxItems = (request.jsonSchema?.schema['properties'] as Record<string, { maxItems?: unknown }> | undefined)?.['instructions']?.maxItems;
    if (typeof maxItems === 'number') n = Math.min(n, maxItems);
    const instructions = deterministicInstructions(prompt + seedPart, Math.max(1, n));
    const text =
      request.jsonSchema !== undefined || request.jsonObject
        ? JSON.stringify({ instructions })
        : instructions.map((i) => `<example>${i}</example>`).join('\n');
    return { kind: 'reply', text };
  }
  return { kind: 'reply', text: deterministicAnswer(prompt + seedPart) };
}

const VERBS = ['Explain', 'Describe', 'List three facts about', 'Write a short poem about', 'Summarize', 'Give advice on', 'Compare two kinds of', 'Suggest a name for', 'Write a tweet about', 'Outline a plan for', 'Define', 'Classify'];
const TOPICS = ['photosynthesis', 'the French Revolution', 'budget travel', 'machine learning', 'sourdough bread', 'volcanoes', 'remote work', 'chess openings', 'the water cycle', 'jazz history', 'urban gardening', 'black holes', 'public speaking', 'recycling plastics', 'the Roman Empire', 'honey bees'];
const AUDIENCES = ['for a ten-year-old', 'in one sentence', 'for a busy manager', 'using an analogy', 'in plain English', 'for a job interview', 'with an example', 'for a newsletter'];

/** `n` distinct instructions, a pure function of `key`. */
export function deterministicInstructions(key: string, n: number): string[] {
  const out = new Set<string>();
  for (let round = 0; out.size < n && round < n * 20; round++) {
    const h = createHash('sha256').update(`${key}\n${round}`).digest();
    const text = `${VERBS[h[0]! % VERBS.length]} ${TOPICS[h[1]! % TOPICS.length]} ${AUDIENCES[h[2]! % AUDIENCES.length]}.`;
    out.add(out.has(text) ? `${text.slice(0, -1)} (variant ${h.readUInt16LE(3)}).` : text);
  }
  return [...out];
}

export function deterministicAnswer(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `A concise answer (ref ${h.slice(0, 8)}): ${TOPICS[parseInt(h.slice(8, 10), 16) % TOPICS.length]} is worth a closer look.`;
}

/** `/v1/files` (upload, content) and `/v1/batches` (create with metadata, list, retrieve), answering each line with the default script. */
class BatchApi {
  created = 0;
  readonly customIds: string[][] = [];
  readonly #files = new Map<string, { text: string; filename: string; purpose: string }>();
  readonly #batches = new Map<string, Record<string, unknown>>();
  readonly #model: string;
  readonly #perPrompt: number;
  #hold: boolean;

  constructor(model: string, perPrompt: number, hold: boolean) {
    this.#model = model;
    this.#perPrompt = perPrompt;
    this.#hold = hold;
  }

  release(): void {
    this.#hold = false;
    for (const batch of this.#batches.values()) if (batch['status'] === 'in_progress') this.#complete(batch);
  }

  async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean); // v1, files|batches, id?, content?
    if (req.method === 'POST' && path === '/v1/files') {
      const { Readable } = await import('node:stream');
      const form = await new Request('http://local/upload', {
        method: 'POST', headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half',
      } as RequestInit).formData();
      const file = form.get('file') as File;
      const id = `file-${this.#files.size + 1}`;
      const text = await file.text();
      this.#files.set(id, { text, filename: file.name, purpose: String(form.get('purpose')) });
      return sendJson(res, 200, { id, object: 'file', bytes: Buffer.byteLength(text), created_at: 0, filename: file.name, purpose: String(form.get('purpose')), status: 'processed' });
    }
    if (req.method === 'GET' && parts[1] === 'files' && parts[3] === 'content') {
      const file = this.#files.get(parts[2] ?? '');
      if (file === undefined) return sendJson(res, 404, errorBody('no such file', 'invalid_request_error'));
      res.writeHead(200, { 'content-type': 'application/jsonl' });
      res.end(file.text);
      return;
    }
    if (req.method === 'POST' && path === '/v1/batches') {
      const body = (await readJson(req)) as { input_file_id?: string; endpoint?: string; completion_window?: string; metadata?: Record<string, string> };
      const input = this.#files.get(body.input_file_id ?? '');
      if (input === undefined) return sendJson(res, 400, errorBody('no such input file', 'invalid_request_error'));
      this.created++;
      this.customIds.push(input.text.split('\n').filter((l) => l.trim() !== '').map((l) => String((JSON.parse(l) as { custom_id?: unknown }).custom_id)));
      const batch: Record<string, unknown> = {
        id: `batch_${this.created}`, object: 'batch', endpoint: body.endpoint, input_file_id: body.input_file_id,
        completion_window: body.completion_window, status: 'in_progress', output_file_id: null, error_file_id: null,
        created_at: Math.floor(Date.now() / 1000), request_counts: { total: 0, completed: 0, failed: 0 },
        metadata: body.metadata ?? null,
      };
      this.#batches.set(batch['id'] as string, batch);
      if (!this.#hold) this.#complete(batch);
      return sendJson(res, 200, batch);
    }
    if (req.method === 'GET' && path === '/v1/batches') {
      const limit = Number(new URL(req.url ?? '', 'http://local').searchParams.get('limit') ?? 20);
      const data = [...this.#batches.values()].reverse().slice(0, limit);
      return sendJson(res, 200, { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: this.#batches.size > limit });
    }
    if (req.method === 'GET' && parts[1] === 'batches' && parts[2] !== undefined) {
      const batch = this.#batches.get(parts[2]);
      return batch === undefined ? sendJson(res, 404, errorBody('no such batch', 'invalid_request_error')) : sendJson(res, 200, batch);
    }
    return sendJson(res, 404, errorBody(`no route ${req.method} ${path}`, 'invalid_request_error'));
  }

  #complete(batch: Record<string, unknown>): void {
    const input = this.#files.get(batch['input_file_id'] as string)?.text ?? '';
    const out: string[] = [];
    for (const line of input.split('\n')) {
      if (line.trim() === '') continue;
      const row = JSON.parse(line) as { custom_id: string; body: unknown };
      const parsed = parseChatRequest(row.body);
      if (!parsed.ok) {
        out.push(JSON.stringify({ id: `r-${out.length}`, custom_id: row.custom_id, response: { status_code: 400, body: errorBody(parsed.issues.join('; '), 'invalid_request_error') }, error: null }));
        continue;
      }
      const step = defaultStep(parsed.request, this.#perPrompt);
      const text = step.kind === 'reply' ? step.text : '';
      const promptTokens = approxTokens(parsed.request.messages.map((m) => m.content).join('\n'));
      const body = completionBody({ model: this.#model, text, finishReason: 'stop', promptTokens, completionTokens: approxTokens(text) });
      out.push(JSON.stringify({ id: `r-${out.length}`, custom_id: row.custom_id, response: { status_code: 200, body }, error: null }));
    }
    const id = `file-${this.#files.size + 1}`;
    this.#files.set(id, { text: out.join('\n') + '\n', filename: 'output.jsonl', purpose: 'batch_output' });
    batch['status'] = 'completed';
    batch['output_file_id'] = id;
    batch['request_counts'] = { total: out.length, completed: out.length, failed: 0 };
  }
}

/** OpenAI-style enforcement: a minute's worth of requests and tokens, refilled continuously. */
class Limiter {
  readonly #requests: TokenBucket;
  readonly #tokens: TokenBucket;

  constructor(limits: { rpm?: number; tpm?: number; now?: () => number }) {
    const now = limits.now ?? Date.now;
    this.#requests = new TokenBucket(limits.rpm ?? 0, now);
    this.#tokens = new TokenBucket(limits.tpm ?? 0, now);
  }

  /** Takes the charge, or says what was short and how long until it fits. */
  admit(tokens: number): { what: string; waitMs: number } | undefined {
    const r = this.#requests.waitMs(1);
    const t = this.#tokens.waitMs(tokens);
    if (r > 0 || t > 0) return { what: r >= t ? 'requests' : 'tokens', waitMs: Math.max(r, t) };
    this.#requests.take(1);
    this.#tokens.take(tokens);
    return undefined;
  }

  refund(tokens: number): void {
    this.#tokens.refund(tokens);
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, b] of [['requests', this.#requests], ['tokens', this.#tokens]] as const) {
      if (!b.limited) continue;
      const level = Math.max(0, b.level);
      out[`x-ratelimit-limit-${name}`] = String(b.perMinute);
      out[`x-ratelimit-remaining-${name}`] = String(Math.floor(level));
      out[`x-ratelimit-reset-${name}`] = `${Math.ceil((b.perMinute - level) / b.perMs)}ms`;
    }
    return out;
  }
}

function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

// ---- script combinators ----

/** The listed steps for the first requests, then `then` (the default script unless given). */
export function faultsFirst(steps: ScriptStep[], then?: Script): Script {
  return (ctx, index) => steps[index] ?? (then === undefined ? ctx.fallback() : then(ctx, index));
}

/** `step` on every nth request (index n-1, 2n-1, …), the default otherwise. */
export function everyNth(n: number, step: ScriptStep): Script {
  return (ctx, index) => ((index + 1) % n === 0 ? step : ctx.fallback());
}
