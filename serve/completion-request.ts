/**
 * `POST /v1/completions` bodies: the fields this server honours, every problem reported with its path.
 * `prompt` is a string, a list of strings, a list of token ids, or a list of token-id lists (lm-evaluation-
 * harness sends ids); each prompt gets one choice, in order.
 */
import { asBody, Fields } from './request-fields.ts';

export type PromptInput = { kind: 'text'; text: string } | { kind: 'ids'; ids: number[] };

export interface CompletionRequest {
  model: string | undefined;
  prompts: PromptInput[];
  maxTokens: number;
  temperature: number;
  topP: number;
  stop: string[];
  /** Alternatives per position; undefined: no `logprobs` object. */
  logprobs: number | undefined;
  echo: boolean;
  seed: number | undefined;
  stream: boolean;
}

/** OpenAI's own cap is 5; more is allowed here (a local student, a local caller), up to this. */
export const MAX_LOGPROBS = 20;
/** OpenAI's default `max_tokens` for completions. */
export const DEFAULT_COMPLETION_TOKENS = 16;

export type Parsed<T> = { ok: true; request: T } | { ok: false; issues: string[] };

export function parseCompletionRequest(value: unknown): Parsed<CompletionRequest> {
  const body = asBody(value);
  if (body === undefined) return { ok: false, issues: ['body: expected a JSON object'] };
  const f = new Fields(body);
  const prompts = parsePrompt(body['prompt'], f.issues);
  const request: CompletionRequest = {
    model: f.string('model'),
    prompts,
    maxTokens: f.integer('max_tokens', 0) ?? DEFAULT_COMPLETION_TOKENS,
    temperature: f.number('temperature', (n) => n >= 0 && n <= 2, 'a number in [0, 2]') ?? 1,
    topP: f.number('top_p', (n) => n > 0 && n <= 1, 'a number in (0, 1]') ?? 1,
    stop: f.stop(),
    logprobs: f.integer('logprobs', 0, MAX_LOGPROBS),
    echo: f.boolean('echo') ?? false,
    seed: f.integer('seed', Number.MIN_SAFE_INTEGER),
    stream: f.boolean('stream') ?? false,
  };
  f.onlyDefault('n', (v) => v === 1, 'only 1 is supported');
  f.onlyDefault('best_of', (v) => v === 1, 'only 1 is supported');
  f.onlyDefault('suffix', (v) => v === '', 'not supported');
  f.onlyDefault('presence_penalty', (v) => v === 0, 'only 0 is supported');
  f.onlyDefault('frequency_penalty', (v) => v === 0, 'only 0 is supported');
  f.onlyDefault('logit_bias', (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 0, 'not supported');
  if (request.stream && request.logprobs !== undefined) f.issues.push('logprobs: not supported with stream');
  return f.issues.length > 0 ? { ok: false, issues: f.issues } : { ok: true, request };
}

function parsePrompt(raw: unknown, issues: string[]): PromptInput[] {
  if (typeof raw === 'string') return [{ kind: 'text', text: raw }];
  if (isIds(raw)) return raw.length === 0 ? bad(issues, 'prompt: an empty list of token ids') : [{ kind: 'ids', ids: raw }];
  if (Array.isArray(raw) && raw.length > 0) {
    const out: PromptInput[] = [];
    raw.forEach((p: unknown, i) => {
      if (typeof p === 'string') out.push({ kind: 'text', text: p });
      else if (isIds(p) && p.length > 0) out.push({ kind: 'ids', ids: p });
      else issues.push(`prompt[${i}]: expected a string or a non-empty list of token ids`);
    });
    return out;
  }
  return bad(issues, 'prompt: expected a string, a list of strings, or token ids');
}

function isIds(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0) && (v.length === 0 || typeof v[0] === 'number');
}

function bad(issues: string[], issue: string): PromptInput[] {
  issues.push(issue);
  return [];
}
