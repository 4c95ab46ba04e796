/**
 * The one teacher code path: the `openai` package against any OpenAI-compatible base URL (OpenAI, vLLM,
 * llama.cpp server, the local teacher). Every failure leaves as a LaminiError with a TEACHER_* code, a message
 * we build ourselves, and no SDK error attached (SDK errors carry response headers and bodies that may echo
 * the key); the key is redacted from anything quoted from the server.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { costUsd, priceFor } from './pricing.ts';
import type { PriceTable } from './pricing.ts';
import { rateLimitFromHeaders } from './rate-limit.ts';
import { redact } from './redact.ts';
import type { ChatReply, ChatRequest, Teacher } from './types.ts';

export interface OpenAITeacherConfig {
  baseURL: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  /**
   * Retries inside the SDK (408/409/429/5xx, connection errors). 0 when the teacher chain retries itself
   * (`RetryingTeacher`), so one request is never retried by two loops.
   */
  maxRetries: number;
  prices: PriceTable;
  /** Whether the server honours `response_format: json_schema` (default true). */
  structuredOutput?: boolean;
  /** Injected fetch, for tests. */
  fetch?: typeof globalThis.fetch;
}

export class OpenAITeacher implements Teacher {
  readonly model: string;
  readonly structuredOutput: boolean;
  readonly baseURL: string;
  #client: OpenAI;
  #apiKey: string;
  #prices: PriceTable;
  #timeoutMs: number;

  constructor(config: OpenAITeacherConfig) {
    this.model = config.model;
    this.structuredOutput = config.structuredOutput ?? true;
    this.baseURL = config.baseURL;
    this.#apiKey = config.apiKey;
    this.#prices = config.prices;
    this.#timeoutMs = config.timeoutMs;
    this.#client = new OpenAI({
      baseURL: config.baseURL,
      // The SDK refuses an empty key; local servers ignore it.
      apiKey: config.apiKey === '' ? 'no-key' : config.apiKey,
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
      logLevel: 'off',
      ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    });
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply> {
    let completion: ChatCompletion;
    let headers: Headers | undefined;
    // The SDK's `timeout` stops at the response headers; a body that trickles in would hold the call for as
    // long as it takes. This deadline covers the whole call, body included.
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    try {
      const { data, response } = await this.#client.chat.completions
        .create(toBody(this.model, request), {
          timeout: this.#timeoutMs,
          signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
        })
        .withResponse();
      completion = data;
      headers = response.headers;
    } catch (error) {
      if (deadline.aborted && signal?.aborted !== true) throw this.#timeoutError();
      throw this.#mapError(error, request, signal);
    }
    const reply = this.#toReply(completion);
    const rateLimit = rateLimitFromHeaders(headers);
    return rateLimit === undefined ? reply : { ...reply, rateLimit };
  }

  async close(): Promise<void> {
    // The SDK holds no sockets of its own beyond fetch's pool; nothing to release.
  }

  #toReply(completion: ChatCompletion): ChatReply {
    const choice = completion.choices?.[0];
    if (choice === undefined) {
      throw new LaminiError(ErrorCodes.TEACHER_BAD_REPLY, `teacher ${this.model} replied with no choices`, {
        details: { model: this.model },
      });
    }
    const text = choice.message?.content ?? '';
    if (text.trim() === '') {
      throw new LaminiError(ErrorCodes.TEACHER_BAD_REPLY, `teacher ${this.model} replied with empty content (finish_reason ${String(choice.finish_reason)})`, {
        details: { model: this.model, finishReason: choice.finish_reason },
      });
    }
    // Provenance and spend are keyed on the configured name; the server's own name for the model (a dated
    // variant, or llama-server's GGUF path) is kept beside it, and priced when the table lists it.
    const serverModel = typeof completion.model === 'string' && completion.model !== '' ? completion.model : undefined;
    const promptTokens = completion.usage?.prompt_tokens ?? 0;
    const completionTokens = completion.usage?.completion_tokens ?? 0;
    const priceModel = serverModel !== undefined && priceFor(this.#prices, serverModel) !== undefined ? serverModel : this.model;
    return {
      text,
      model: this.model,
      ...(serverModel === undefined ? {} : { serverModel }),
      promptTokens,
      completionTokens,
      costUsd: costUsd(this.#prices, priceModel, promptTokens, completionTokens),
      finishReason: choice.finish_reason ?? 'stop',
    };
  }

  #timeoutError(): LaminiError {
    return new LaminiError(ErrorCodes.TEACHER_TIMEOUT, `teacher ${this.model} at ${redact(this.baseURL, this.#apiKey)}: no complete reply within ${this.#timeoutMs} ms`, {
      retriable: true,
      details: { timeoutMs: this.#timeoutMs },
    });
  }

  #mapError(error: unknown, request: ChatRequest, signal: AbortSignal | undefined): LaminiError {
    const where = `teacher ${this.model} at ${redact(this.baseURL, this.#apiKey)}`;
    const safe = (text: string): string => redact(text, this.#apiKey);
    if (error instanceof APIUserAbortError || (signal?.aborted === true && !(error instanceof APIError))) {
      return new LaminiError(ErrorCodes.TEACHER_ABORTED, `${where}: request aborted`, { retriable: false });
    }
    if (error instanceof APIConnectionTimeoutError) return this.#timeoutError();
    if (error instanceof APIConnectionError) {
      const sys = systemCode(error);
      return new LaminiError(ErrorCodes.TEACHER_UNAVAILABLE, `${where}: cannot connect${sys === undefined ? '' : ` (${sys})`}`, {
        retriable: true,
        details: sys === undefined ? {} : { systemCode: sys },
      });
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status;
      const serverMessage = safe(serverErrorMessage(error.error) ?? '');
      const details: Record<string, unknown> = { status };
      if (typeof error.requestID === 'string') details['requestId'] = error.requestID;
      if (typeof error.code === 'string') details['serverCode'] = safe(error.code);
      if (status === 429) {
        const retryAfterMs = retryAfter(error.headers);
        if (retryAfterMs !== undefined) details['retryAfterMs'] = retryAfterMs;
        const rateLimit = rateLimitFromHeaders(error.headers);
        if (rateLimit !== undefined) details['rateLimit'] = rateLimit;
        return new LaminiError(ErrorCodes.TEACHER_RATE_LIMITED, `${where}: rate limited (HTTP 429)${serverMessage === '' ? '' : `: ${serverMessage}`}`, {
          retriable: true,
          details,
        });
      }
      const format = request.jsonSchema === undefined ? undefined : (request.responseFormat ?? 'json_schema');
      if (format !== undefined && refusesFormat(status, serverMessage, error.param)) {
        // Asking again cannot help: the caller falls back to another mode (teacher/formats.ts).
        return new LaminiError(ErrorCodes.TEACHER_FORMAT_UNSUPPORTED, `${where}: HTTP ${status}: response_format ${format} refused${serverMessage === '' ? '' : `: ${serverMessage}`}`, {
          retriable: false,
          details: { ...details, format, serverMessage: serverMessage.slice(0, 500) },
        });
      }
      const retriable = status === 408 || status === 409 || status >= 500;
      return new LaminiError(ErrorCodes.TEACHER_HTTP, `${where}: HTTP ${status}${serverMessage === '' ? '' : `: ${serverMessage}`}`, {
        retriable,
        details,
      });
    }
    if (error instanceof SyntaxError) {
      // A body that is not JSON (cut off mid-reply, or not an OpenAI-compatible server).
      return new LaminiError(ErrorCodes.TEACHER_BAD_REPLY, `${where}: reply is not valid JSON (${safe(error.message)})`, {
        retriable: true,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new LaminiError(ErrorCodes.TEACHER_BAD_REPLY, `${where}: unexpected failure (${safe(message)})`, { retriable: false });
  }
}

export function toBody(model: string, request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    max_tokens: request.maxTokens,
    temperature: request.temperature,
  };
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.jsonSchema !== undefined) {
    body.response_format = request.responseFormat === 'json_object'
      ? { type: 'json_object' }
      : { type: 'json_schema', json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: true } };
  }
  return body;
}

/**
 * Whether an HTTP error answering a request with `response_format` is the server refusing that mode. No server
 * sends a code for it, so this reads the status and the server's own words: a request error or an internal
 * error (llama-cpp-python answers an unknown `response_format.type` with a 500 whose message quotes pydantic:
 * `'loc': ('body', 'response_format', 'type'), 'msg': "Input should be 'text' or 'json_object'"`) that names
 * `response_format` (as OpenAI's `param` or in the message). Gateway errors and overload (502-504, 429) never are.
 */
export function refusesFormat(status: number, serverMessage: string, param: string | null | undefined): boolean {
  if (![400, 415, 422, 500, 501].includes(status)) return false;
  return param === 'response_format' || /response_format|json_schema|json_object/i.test(serverMessage);
}

function serverErrorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? body : undefined;
  const record = body as Record<string, unknown>;
  if (typeof record['message'] === 'string') return record['message'];
  const inner = record['error'];
  if (typeof inner === 'object' && inner !== null && typeof (inner as Record<string, unknown>)['message'] === 'string') {
    return (inner as Record<string, unknown>)['message'] as string;
  }
  return undefined;
}

function retryAfter(headers: Headers | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `ECONNREFUSED` and friends, from the connection error's cause chain. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
