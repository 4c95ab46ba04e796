/**
 * The slice of the OpenAI chat-completions wire format our own servers speak (the local teacher and the test
 * double): parse a request body into typed fields (every problem reported), and build OpenAI-shaped replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatMessage } from '../types.ts';

export interface WireChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number | undefined;
  temperature: number | undefined;
  seed: number | undefined;
  stop: string[];
  /** The `response_format.json_schema` asked for, if any. */
  jsonSchema: { name: string; schema: Record<string, unknown> } | undefined;
  /** `response_format: json_object` (any JSON object) was asked for. */
  jsonObject: boolean;
  /**
   * `stream: true`: the reply goes out as server-sent events (`chat.completion.chunk`s, then `data: [DONE]`).
   * Present only when asked for, so a plain request parses to the same fields as before streaming existed.
   */
  stream?: true;
  /** `stream_options.include_usage: true`: one last chunk with no choices carries the usage. */
  includeUsage?: true;
}

export type ParseResult = { ok: true; request: WireChatRequest } | { ok: false; issues: string[] };

const ROLES = new Set(['system', 'user', 'assistant']);

export function parseChatRequest(body: unknown): ParseResult {
  const issues: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, issues: ['body: expected a JSON object'] };
  const b = body as Record<string, unknown>;
  const messages: ChatMessage[] = [];
  if (!Array.isArray(b['messages']) || b['messages'].length === 0) issues.push('messages: expected a non-empty array');
  else {
    b['messages'].forEach((m: unknown, i) => {
      const rec = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
      const role = rec['role'];
      const content = contentText(rec['content']);
      if (typeof role !== 'string' || !ROLES.has(role)) issues.push(`messages[${i}].role: expected system, user or assistant`);
      else if (content === undefined) issues.push(`messages[${i}].content: expected a string`);
      else messages.push({ role: role as ChatMessage['role'], content });
    });
  }
  const num = (key: string): number | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      issues.push(`${key}: expected a number`);
      return undefined;
    }
    return v;
  };
  const maxTokens = num('max_completion_tokens') ?? num('max_tokens');
  const temperature = num('temperature');
  const seed = num('seed');
  let stop: string[] = [];
  const rawStop = b['stop'];
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop) && rawStop.every((s) => typeof s === 'string')) stop = rawStop as string[];
  else if (rawStop !== undefined && rawStop !== null) issues.push('stop: expected a string or an array of strings');
  let jsonSchema: WireChatRequest['jsonSchema'];
  let jsonObject = false;
  const format = b['response_format'];
  if (format !== undefined && format !== null) {
    const f = format as Record<string, unknown>;
    if (f['type'] === 'json_schema') {
      const js = (f['json_schema'] ?? {}) as Record<string, unknown>;
      const schema = js['schema'];
      if (typeof schema !== 'object' || schema === null) issues.push('response_format.json_schema.schema: expected an object');
      else jsonSchema = { name: typeof js['name'] === 'string' ? js['name'] : 'reply', schema: schema as Record<string, unknown> };
    } else if (f['type'] === 'json_object') jsonObject = true;
    else if (f['type'] !== 'text') issues.push(`response_format.type: ${String(f['type'])} is not supported (text, json_schema, json_object)`);
  }
  const stream = b['stream'] ?? false;
  if (typeof stream !== 'boolean') issues.push('stream: expected a boolean');
  const includeUsage = parseStreamOptions(b['stream_options'], issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    request: {
      model: typeof b['model'] === 'string' ? b['model'] : '', messages, maxTokens, temperature, seed, stop, jsonSchema, jsonObject,
      ...(stream === true ? { stream: true } : {}), ...(includeUsage ? { includeUsage: true } : {}),
    },
  };
}

/** `stream_options: {include_usage}`; anything else there is reported. */
function parseStreamOptions(raw: unknown, issues: string[]): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push('stream_options: expected an object');
    return false;
  }
  const usage: unknown = Object.entries(raw).find(([k]) => k === 'include_usage')?.[1];
  if (usage === undefined || usage === null) return false;
  if (typeof usage !== 'boolean') issues.push('stream_options.include_usage: expected a boolean');
  return usage === true;
}

/** OpenAI allows content as an array of parts; we take the text parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p: unknown) => (p as { text?: unknown } | null)?.text);
    if (parts.every((t) => typeof t === 'string')) return parts.join('');
  }
  return undefined;
}

export interface CompletionFields {
  model: string;
  text: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

let completionCounter = 0;

export function completionBody(f: CompletionFields): Record<string, unknown> {
  completionCounter += 1;
  return {
    id: `chatcmpl-lamini-${completionCounter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: f.model,
    choices: [{ index: 0, message: { role: 'assistant', content: f.text }, finish_reason: f.finishReason, logprobs: null }],
    usage: { prompt_tokens: f.promptTokens, completion_tokens: f.completionTokens, total_tokens: f.promptTokens + f.completionTokens },
  };
}

/** What every chunk of one streamed reply shares (OpenAI repeats id, created and model in each). */
export interface ChunkStream {
  id: string;
  created: number;
  model: string;
}

export function newChunkStream(model: string): ChunkStream {
  completionCounter += 1;
  return { id: `chatcmpl-lamini-${completionCounter}`, created: Math.floor(Date.now() / 1000), model };
}

/** One `chat.completion.chunk`: the first carries the role, the last an empty delta and the finish reason. */
export function chunkBody(s: ChunkStream, delta: { role?: 'assistant'; content?: string }, finishReason: string | null): Record<string, unknown> {
  return {
    id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The chunk `stream_options.include_usage` asks for: no choices, the usage of the whole reply. */
export function usageChunkBody(s: ChunkStream, promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model, choices: [],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/**
 * Server-sent events as OpenAI streams them: `data: <json>` and a blank line per event, `data: [DONE]` last.
 * Once the 200 head is out an error can no longer change the status: it goes as one event with OpenAI's
 * `{"error": {...}}` body (the official clients raise it), and the stream ends without `[DONE]`.
 */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

/** Events for a client that went away are dropped (the response is destroyed); nothing is thrown. */
export function sendEvent(res: ServerResponse, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.write(`data: ${JSON.stringify(body)}\n\n`);
}

export function endSse(res: ServerResponse): void {
  if (res.destroyed || res.writableEnded) return;
  res.end('data: [DONE]\n\n');
}

export function modelsBody(models: string[], ownedBy: string): Record<string, unknown> {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: ownedBy })) };
}

export function errorBody(message: string, type: string, code: string | null = null): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads a JSON body; `undefined` when it is not JSON. */
export async function readJson(req: IncomingMessage, limitBytes = 8 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
