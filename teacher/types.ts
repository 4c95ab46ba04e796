/** The teacher contract every operator codes against: one chat call, typed errors, usage counted. */
import type { FormatSupport } from './formats.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface JsonSchemaFormat {
  name: string;
  schema: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  /** Sampling seed, passed to servers that honour it. */
  seed?: number;
  stop?: string[];
  /** Ask for structured output (`response_format: json_schema`) from a teacher that supports it. */
  jsonSchema?: JsonSchemaFormat;
  /**
   * How `jsonSchema` goes on the wire: `json_schema` (the default) or `json_object` (any JSON object, the
   * schema left to the prompt), for servers that know only the older mode (llama-cpp-python).
   */
  responseFormat?: StructuredFormat;
  /** The generation task this call serves: part of the response-cache key, so resamples stay distinct. */
  taskNumber: number;
}

/** What a server said about its rate limits (`x-ratelimit-*` headers), when it said anything. */
export interface RateLimitInfo {
  limitRequests?: number;
  remainingRequests?: number;
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

/** The `response_format` types a request can carry. */
export type StructuredFormat = 'json_schema' | 'json_object';

export interface ChatReply {
  text: string;
  /** The configured model name: what provenance, the ledger and spend are keyed on. */
  model: string;
  /**
   * The `model` the server put in its reply, when it sent one: often the configured name or a dated
   * variant of it, and for llama.cpp's `llama-server` the path of the file it loaded.
   */
  serverModel?: string;
  promptTokens: number;
  completionTokens: number;
  /** What this call cost now: 0 when it was answered from the response cache. */
  costUsd: number;
  finishReason: string;
  /** The server's `x-ratelimit-*` headers on this reply, when present. */
  rateLimit?: RateLimitInfo;
  /** Answered from the response cache (nothing paid). */
  cached?: boolean;
  /** What a cache hit would have cost (the cost of the call that filled the entry). */
  savedUsd?: number;
  /** Retries made before this reply. */
  retries?: number;
}

export interface Teacher {
  /** The model name recorded in provenance. */
  readonly model: string;
  /** Whether `jsonSchema` requests are honoured (grammar-constrained or native structured output). */
  readonly structuredOutput: boolean;
  /** What this teacher has shown about structured-output modes, shared by every caller (the chain has one). */
  readonly formats?: FormatSupport;
  /** Throws LaminiError with a TEACHER_* code; never a message containing the API key. */
  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatReply>;
  close(): Promise<void>;
}
