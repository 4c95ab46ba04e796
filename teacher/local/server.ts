/**
 * The local teacher: an OpenAI-compatible server on 127.0.0.1 (`POST /v1/chat/completions`, `GET /v1/models`)
 * backed by one GGUF through node-llama-cpp. Requests queue and decode one at a time; `response_format`
 * `json_schema` is honoured with a grammar built from the schema. No key.
 *
 * `"stream": true` answers with server-sent events in OpenAI's chunk format: the head and a role chunk as soon as
 * the request is accepted (so a client's time-to-first-byte is not the queue plus the decode), then the text in
 * pieces as the model writes them (node-llama-cpp's `onTextChunk`), the finish reason, the usage when
 * `stream_options.include_usage` asks for it, and `data: [DONE]`.
 * A request refused before the head is out (bad body, unsupported format, prompt too long) is a plain 400
 * JSON error body, streamed or not, as OpenAI does.
 */
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';
import { LocalEngine, type GenerateResult } from './engine.ts';
import {
  chunkBody, completionBody, endSse, errorBody, modelsBody, newChunkStream, parseChatRequest, readJson, sendEvent, sendJson, startSse,
  usageChunkBody, type WireChatRequest,
} from './wire.ts';

export interface LocalTeacherOptions {
  ggufPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Model name reported in replies and `/v1/models`; the GGUF's file name by default. */
  modelName?: string;
  contextSize?: number;
  /**
   * Decode threads. Default: cores - 1 (at least 1), leaving a core to the pipeline's own work. node-llama-cpp's
   * own default (at least 4) oversubscribes a 2-core machine: 26–215 s for a first 8–64-token reply, against ~1 s.
   */
  threads?: number;
  /** Default completion budget when a request gives none. */
  defaultMaxTokens?: number;
}

export interface LocalTeacherHandle {
  baseURL: string;
  model: string;
  close(): Promise<void>;
}

export async function startLocalTeacher(options: LocalTeacherOptions): Promise<LocalTeacherHandle> {
  let engine: LocalEngine;
  try {
    engine = await LocalEngine.load({
      ggufPath: options.ggufPath,
      contextSize: options.contextSize ?? 2048,
      threads: options.threads ?? defaultThreads(),
    });
  } catch (error) {
    throw new LaminiError(ErrorCodes.TEACHER_UNAVAILABLE, `cannot load the local teacher model ${options.ggufPath}: ${describeError(error)}`, {
      cause: error,
    });
  }
  const model = options.modelName ?? (options.ggufPath.split('/').pop() ?? 'local').replace(/\.gguf$/i, '');
  const defaultMaxTokens = options.defaultMaxTokens ?? 512;
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) return sendJson(res, 200, modelsBody([model], 'lamini-local'));
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      return sendJson(res, 404, errorBody(`no route ${req.method} ${path}`, 'invalid_request_error'));
    }
    const controller = new AbortController();
    inFlight.add(controller);
    // A client that goes away stops its decode (or drops it from the queue).
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    void handleChat(res, engine, model, defaultMaxTokens, readJson(req), controller.signal).finally(() => inFlight.delete(controller));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    model,
    async close() {
      for (const c of inFlight) c.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await engine.close();
    },
  };
}

/** cores - 1, at least 1: with every core decoding, one stalled llama.cpp thread (another process on the core) held
 * a 256-token call for 178 s on a loaded 2-core machine; with 1 thread the worst call was 8 s, ~20% slower at median. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

async function handleChat(
  res: ServerResponse,
  engine: LocalEngine,
  model: string,
  defaultMaxTokens: number,
  bodyPromise: Promise<unknown>,
  signal: AbortSignal,
): Promise<void> {
  const body = await bodyPromise;
  if (body === undefined) return sendJson(res, 400, errorBody('body is not valid JSON', 'invalid_request_error'));
  const parsed = parseChatRequest(body);
  if (!parsed.ok) return sendJson(res, 400, errorBody(parsed.issues.join('; '), 'invalid_request_error'));
  const r = parsed.request;
  if (r.jsonObject) {
    // The engine constrains to a schema; a bare JSON object is not offered (callers ask json_schema first).
    return sendJson(res, 400, errorBody('response_format.type: json_object is not supported (text, json_schema)', 'invalid_request_error', null));
  }
  if (r.jsonSchema !== undefined) {
    try {
      await engine.grammarFor(r.jsonSchema.schema);
    } catch (error) {
      return sendJson(res, 400, errorBody(`response_format.json_schema.schema is not supported: ${describeError(error)}`, 'invalid_request_error'));
    }
  }
  // The prompt and the reply share the context window; a prompt that leaves no room is the caller's error
  // (400, not retried), and the completion budget is capped to what is left.
  const promptTokens = engine.countPromptTokens(r.messages);
  const room = engine.contextSize - promptTokens;
  if (room < 16) {
    return sendJson(
      res,
      400,
      errorBody(`prompt is ${promptTokens} tokens; the context holds ${engine.contextSize}`, 'invalid_request_error', 'context_length_exceeded'),
    );
  }
  const generation = (onTextChunk?: (text: string) => void): Promise<GenerateResult> =>
    engine.generate({
      messages: r.messages,
      maxTokens: Math.min(r.maxTokens ?? defaultMaxTokens, room),
      temperature: r.temperature ?? 1,
      ...(r.seed === undefined ? {} : { seed: r.seed }),
      stop: r.stop,
      ...(r.jsonSchema === undefined ? {} : { jsonSchema: r.jsonSchema.schema }),
      signal,
      ...(onTextChunk === undefined ? {} : { onTextChunk }),
    });
  if (r.stream === true) return streamChat(res, model, r, generation, signal);
  try {
    const result = await generation();
    if (signal.aborted) return;
    sendJson(res, 200, completionBody({ model, text: result.text, finishReason: result.finishReason, promptTokens: result.promptTokens, completionTokens: result.completionTokens }));
  } catch (error) {
    if (signal.aborted) return;
    sendJson(res, 500, errorBody(`local teacher failed: ${describeError(error)}`, 'server_error'));
  }
}

/** The reply as server-sent events (see the file comment); a failure after the head is one error event. */
async function streamChat(
  res: ServerResponse,
  model: string,
  r: WireChatRequest,
  generation: (onTextChunk: (text: string) => void) => Promise<GenerateResult>,
  signal: AbortSignal,
): Promise<void> {
  const stream = newChunkStream(model);
  startSse(res);
  sendEvent(res, chunkBody(stream, { role: 'assistant', content: '' }, null));
  let result: GenerateResult;
  // Each piece of text goes out as the model writes it; what the engine did not hand over as pieces follows at the end.
  let sent = '';
  try {
    result = await generation((text) => {
      if (signal.aborted || text === '') return;
      sent += text;
      sendEvent(res, chunkBody(stream, { content: text }, null));
    });
  } catch (error) {
    if (signal.aborted) return;
    sendEvent(res, errorBody(`local teacher failed: ${describeError(error)}`, 'server_error'));
    res.end();
    return;
  }
  if (signal.aborted) return;
  const rest = result.text.startsWith(sent) ? result.text.slice(sent.length) : '';
  if (rest !== '') sendEvent(res, chunkBody(stream, { content: rest }, null));
  sendEvent(res, chunkBody(stream, {}, result.finishReason));
  if (r.includeUsage === true) sendEvent(res, usageChunkBody(stream, result.promptTokens, result.completionTokens));
  endSse(res);
}
