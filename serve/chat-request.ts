/**
 * `POST /v1/chat/completions` bodies: the teacher server's parser (messages, max_tokens, temperature, seed, stop,
 * stream, stream_options) plus what a student adds (top_p) or cannot do (structured output, logprobs, n > 1).
 *
 * A student has no chat template: it was trained on single-turn instructions in the Alpaca wrapper. The last user
 * message is the instruction; earlier user and assistant turns, if any, go in the wrapper's input section as
 * `User: …` / `Assistant: …` lines; system messages are not shown to the student (it was never trained on one).
 */
import type { ChatMessage } from '../teacher/types.ts';
import { parseChatRequest } from '../teacher/local/wire.ts';
import { alpacaPrompt } from '../trainers/prompt.ts';
import type { Parsed } from './completion-request.ts';
import { asBody, Fields } from './request-fields.ts';

export interface StudentChatRequest {
  model: string;
  prompt: string;
  maxTokens: number | undefined;
  temperature: number;
  topP: number;
  seed: number | undefined;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
}

export function parseStudentChatRequest(value: unknown): Parsed<StudentChatRequest> {
  const body = asBody(value);
  if (body === undefined) return { ok: false, issues: ['body: expected a JSON object'] };
  const base = parseChatRequest(body);
  const f = new Fields(body);
  const topP = f.number('top_p', (n) => n > 0 && n <= 1, 'a number in (0, 1]') ?? 1;
  f.onlyDefault('n', (v) => v === 1, 'only 1 is supported');
  f.onlyDefault('logprobs', (v) => v === false, 'not supported on chat completions (use /v1/completions with logprobs)');
  f.onlyDefault('response_format', (v) => asBody(v)?.['type'] === 'text', 'a student answers in text only');
  f.onlyDefault('tools', (v) => Array.isArray(v) && v.length === 0, 'not supported');
  if (base.ok) f.onlyDefault('temperature', (v) => typeof v === 'number' && v >= 0 && v <= 2, 'expected a number in [0, 2]');
  const issues = [...(base.ok ? [] : base.issues), ...f.issues.filter((i) => base.ok || !i.startsWith('response_format'))];
  if (!base.ok || issues.length > 0) return { ok: false, issues };
  const r = base.request;
  if (!r.messages.some((m) => m.role === 'user')) return { ok: false, issues: ['messages: expected at least one user message'] };
  return {
    ok: true,
    request: {
      model: r.model, prompt: chatPrompt(r.messages), maxTokens: r.maxTokens, temperature: r.temperature ?? 1, topP, seed: r.seed,
      stop: r.stop, stream: r.stream === true, includeUsage: r.includeUsage === true,
    },
  };
}

/** The Alpaca prompt for a conversation (see the file comment). */
export function chatPrompt(messages: readonly ChatMessage[]): string {
  const turns = messages.filter((m) => m.role !== 'system');
  let last = turns.length - 1;
  while (last >= 0 && turns[last]?.role !== 'user') last--;
  const instruction = turns[last]?.content ?? '';
  const input = turns
    .slice(0, Math.max(last, 0))
    .map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content}`)
    .join('\n');
  return alpacaPrompt({ instruction, input });
}
