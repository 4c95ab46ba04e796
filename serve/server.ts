/**
 * `lamini serve`: a student on an OpenAI-compatible endpoint, loopback by default, no key.
 *
 *   GET  /v1/models               the one student, by name
 *   POST /v1/completions          raw prompts (strings or token ids), logprobs and echo (completions.ts); stream
 *   POST /v1/chat/completions     the conversation in the Alpaca wrapper (chat-request.ts); stream
 *   GET  /tokenizer_info, POST /tokenize, POST /detokenize
 *                                 the student's own tokenizer, in the shape lm-evaluation-harness's
 *                                 `tokenizer_backend=remote` (vLLM's endpoints) reads
 *   GET  /health
 *
 * Requests run one at a time in arrival order (one model, one TensorFlow.js engine). Errors are OpenAI's body
 * `{"error": {message, type, param, code}}`: 400 invalid_request_error for what the caller can fix, 404 for an
 * unknown route or model, 500 server_error otherwise; after a stream's head, one error event ends the stream.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describeError, ErrorCodes, isLaminiError } from '../common/errors.ts';
import {
  chunkBody, endSse, errorBody, modelsBody, newChunkStream, readJson, sendEvent, sendJson, startSse, usageChunkBody,
} from '../teacher/local/wire.ts';
import { parseStudentChatRequest } from './chat-request.ts';
import { parseCompletionRequest, type CompletionRequest } from './completion-request.ts';
import { complete, resolvePrompt } from './completions.ts';
import type { ServedStudent } from './student.ts';
import { tokenizerRoute } from './tokenizer-routes.ts';

export interface StudentServerOptions {
  student: ServedStudent;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Chat replies' budget when a request gives none (default 256). */
  defaultMaxTokens?: number;
}

export interface StudentServerHandle {
  baseURL: string;
  model: string;
  close(): Promise<void>;
}

export async function startStudentServer(options: StudentServerOptions): Promise<StudentServerHandle> {
  const student = options.student;
  const host = options.host ?? '127.0.0.1';
  const defaultMaxTokens = options.defaultMaxTokens ?? 256;
  const sockets = new Set<Socket>();
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const context: RouteContext = { student, serial, defaultMaxTokens };

  const server: Server = createServer((req, res) => {
    void route(req, res, context).catch((error: unknown) => fail(res, error));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    baseURL: `http://${shown}:${port}/v1`,
    model: student.name,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await queue;
    },
  };
}

interface RouteContext {
  student: ServedStudent;
  serial: <T>(work: () => Promise<T>) => Promise<T>;
  defaultMaxTokens: number;
}

async function route(req: IncomingMessage, res: ServerResponse, c: RouteContext): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  if (method === 'GET' && (path === '/v1/models' || path === '/models')) return sendJson(res, 200, modelsBody([c.student.name], 'lamini-student'));
  if (method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
  const tokenizer = tokenizerRoute(method, path);
  if (tokenizer !== undefined) return tokenizer(req, res, c.student);
  if (method === 'POST' && (path === '/v1/completions' || path === '/completions')) return completions(res, c, await readJson(req));
  if (method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) return chat(res, c, await readJson(req));
  sendJson(res, 404, errorBody(`no route ${method} ${path}`, 'invalid_request_error', 'not_found'));
}

/** A request naming another model is a 404, as OpenAI answers; no model at all is accepted. */
function wrongModel(res: ServerResponse, c: RouteContext, model: string | undefined): boolean {
  if (model === undefined || model === '' || model === c.student.name) return false;
  sendJson(res, 404, errorBody(`model "${model}" is not served here; this server serves "${c.student.name}"`, 'invalid_request_error', 'model_not_found'));
  return true;
}

async function completions(res: ServerResponse, c: RouteContext, body: unknown): Promise<void> {
  if (body === undefined) return sendJson(res, 400, errorBody('body is not valid JSON', 'invalid_request_error'));
  const parsed = parseCompletionRequest(body);
  if (!parsed.ok) return sendJson(res, 400, errorBody(parsed.issues.join('; '), 'invalid_request_error'));
  const r = parsed.request;
  if (wrongModel(res, c, r.model)) return;
  if (r.stream) return streamCompletion(res, c, r);
  const outcome = await c.serial(() => complete(c.student, r));
  const created = Math.floor(Date.now() / 1000);
  sendJson(res, 200, {
    id: `cmpl-lamini-${created}-${process.hrtime.bigint()}`, object: 'text_completion', created, model: c.student.name,
    choices: outcome.choices,
    usage: { prompt_tokens: outcome.promptTokens, completion_tokens: outcome.completionTokens, total_tokens: outcome.promptTokens + outcome.completionTokens },
  });
}

/** `stream: true` on completions: `text_completion` chunks, one choice per prompt, in prompt order. */
async function streamCompletion(res: ServerResponse, c: RouteContext, r: CompletionRequest): Promise<void> {
  const stream = newChunkStream(c.student.name);
  const chunk = (index: number, text: string, finish: string | null): Record<string, unknown> => ({
    id: stream.id, object: 'text_completion', created: stream.created, model: stream.model,
    choices: [{ index, text, logprobs: null, finish_reason: finish }],
  });
  const prompts = r.prompts.map((p) => resolvePrompt(c.student, p));
  startSse(res);
  try {
    await c.serial(async () => {
      for (const [index, prompt] of prompts.entries()) {
        if (r.echo) sendEvent(res, chunk(index, prompt.text, null));
        const g = r.maxTokens === 0 ? undefined : await c.student.generate(prompt.text, {
          maxNewTokens: r.maxTokens, temperature: r.temperature, topP: r.topP, stop: r.stop, ...(r.seed === undefined ? {} : { seed: r.seed }),
          onToken: (text) => sendEvent(res, chunk(index, text, null)),
        });
        sendEvent(res, chunk(index, '', g === undefined || g.finishReason === 'length' ? 'length' : 'stop'));
      }
    });
  } catch (error) {
    sendEvent(res, errorFor(error).body);
    res.end();
    return;
  }
  endSse(res);
}

async function chat(res: ServerResponse, c: RouteContext, body: unknown): Promise<void> {
  if (body === undefined) return sendJson(res, 400, errorBody('body is not valid JSON', 'invalid_request_error'));
  const parsed = parseStudentChatRequest(body);
  if (!parsed.ok) return sendJson(res, 400, errorBody(parsed.issues.join('; '), 'invalid_request_error'));
  const r = parsed.request;
  if (wrongModel(res, c, r.model)) return;
  const promptTokens = c.student.tokenizer.encode(r.prompt).length;
  const options = {
    maxNewTokens: r.maxTokens ?? c.defaultMaxTokens, temperature: r.temperature, topP: r.topP, stop: r.stop,
    ...(r.seed === undefined ? {} : { seed: r.seed }),
  };
  const finish = (reason: string): string => (reason === 'length' ? 'length' : 'stop');
  if (!r.stream) {
    const g = await c.serial(() => c.student.generate(r.prompt, options));
    const created = Math.floor(Date.now() / 1000);
    return sendJson(res, 200, {
      id: newChunkStream(c.student.name).id, object: 'chat.completion', created, model: c.student.name,
      choices: [{ index: 0, message: { role: 'assistant', content: g.text }, logprobs: null, finish_reason: finish(g.finishReason) }],
      usage: { prompt_tokens: promptTokens, completion_tokens: g.tokens, total_tokens: promptTokens + g.tokens },
    });
  }
  const stream = newChunkStream(c.student.name);
  startSse(res);
  sendEvent(res, chunkBody(stream, { role: 'assistant', content: '' }, null));
  try {
    const g = await c.serial(() => c.student.generate(r.prompt, { ...options, onToken: (text) => sendEvent(res, chunkBody(stream, { content: text }, null)) }));
    sendEvent(res, chunkBody(stream, {}, finish(g.finishReason)));
    if (r.includeUsage) sendEvent(res, usageChunkBody(stream, promptTokens, g.tokens));
  } catch (error) {
    sendEvent(res, errorFor(error).body);
    res.end();
    return;
  }
  endSse(res);
}

function fail(res: ServerResponse, error: unknown): void {
  const { status, body } = errorFor(error);
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  sendJson(res, status, body);
}

/** The caller's errors are 400 (a context overflow with OpenAI's code); anything else is a 500. */
function errorFor(error: unknown): { status: number; body: Record<string, unknown> } {
  if (isLaminiError(error, ErrorCodes.SERVE_CONTEXT_EXCEEDED) || isLaminiError(error, ErrorCodes.STUDENT_INPUT_TOO_LONG)) {
    return { status: 400, body: errorBody(error.message, 'invalid_request_error', 'context_length_exceeded') };
  }
  if (isLaminiError(error, ErrorCodes.SERVE_UNSUPPORTED) || isLaminiError(error, ErrorCodes.USAGE)) {
    return { status: 400, body: errorBody(error.message, 'invalid_request_error') };
  }
  return { status: 500, body: errorBody(`student failed: ${describeError(error)}`, 'server_error') };
}
