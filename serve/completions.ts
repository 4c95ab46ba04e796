/**
 * `/v1/completions` for a student: each prompt is continued raw (no Alpaca wrapper: the caller's text is the
 * prompt, as lm-evaluation-harness expects).
 *
 * Without `logprobs`, the student generates (StudentModel.generate). With `logprobs` at temperature 0 the
 * token scorer generates greedily itself, one forward pass per token, so the listed tokens are the ids it chose
 * and each chosen token's value comes from the same pass as its alternatives; a generated end token is listed
 * (as its text) and ends the completion, never added to `text`. `max_tokens: 1` with `echo` (the harness's
 * loglikelihood request) is one pass in all. With `logprobs` at a temperature above 0, the student samples and
 * its text is scored as the tokenizer splits it (which may differ from the ids sampled).
 *
 * `echo` lists the prompt's tokens first, the very first with a null logprob, so `echo: true, max_tokens: 0,
 * logprobs: 0` gives a prompt's token log-likelihoods.
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import type { CompletionRequest, PromptInput } from './completion-request.ts';
import { logprobsBody, type ListedToken, type LogprobsBody } from './logprobs.ts';
import type { PositionScore, ServedStudent, TokenScorer } from './student.ts';

export interface CompletionChoice {
  index: number;
  text: string;
  logprobs: LogprobsBody | null;
  finish_reason: 'stop' | 'length';
}

export interface CompletionOutcome {
  choices: CompletionChoice[];
  promptTokens: number;
  completionTokens: number;
}

interface Continued {
  text: string;
  /** Tokens generated (an end token not counted). */
  tokens: number;
  finish: 'stop' | 'length';
  /** With logprobs: every listed token after the prompt's, scored. */
  listed?: ListedToken[];
  /** With logprobs: the prompt's tokens, the first unscored. */
  promptListed?: ListedToken[];
}

export async function complete(student: ServedStudent, r: CompletionRequest): Promise<CompletionOutcome> {
  const scorer = student.scorer;
  if (r.logprobs !== undefined && scorer === undefined) {
    throw new LaminiError(ErrorCodes.SERVE_UNSUPPORTED, `logprobs need a decoder-only student; ${student.name} is ${student.family}`, {
      details: { param: 'logprobs' },
    });
  }
  const out: CompletionOutcome = { choices: [], promptTokens: 0, completionTokens: 0 };
  for (const [index, prompt] of r.prompts.entries()) {
    const { ids, text } = resolvePrompt(student, prompt);
    const done = r.logprobs === undefined || scorer === undefined
      ? await generated(student, r, text)
      : r.temperature === 0
        ? await greedyScored(student, scorer, r, ids)
        : await sampledScored(student, scorer, r, ids, text);
    out.promptTokens += ids.length;
    out.completionTokens += done.tokens;
    const logprobs = done.listed === undefined || done.promptListed === undefined
      ? null
      : r.echo
        ? logprobsBody(student.tokenizer, [...done.promptListed, ...done.listed], 0)
        : logprobsBody(student.tokenizer, done.listed, text.length);
    out.choices.push({ index, text: r.echo ? text + done.text : done.text, logprobs, finish_reason: done.finish });
  }
  return out;
}

/** A prompt's ids and text; ids outside the vocabulary are the caller's error. */
export function resolvePrompt(student: ServedStudent, prompt: PromptInput): { ids: number[]; text: string } {
  if (prompt.kind === 'text') return { ids: student.tokenizer.encode(prompt.text), text: prompt.text };
  const vocab = student.tokenizer.vocabSize;
  const bad = prompt.ids.find((id) => id >= vocab);
  if (bad !== undefined) {
    throw new LaminiError(ErrorCodes.USAGE, `prompt: token id ${bad} is not in the vocabulary (size ${vocab})`, { details: { param: 'prompt' } });
  }
  return { ids: prompt.ids, text: student.tokenizer.decode(prompt.ids) };
}

async function generated(student: ServedStudent, r: CompletionRequest, text: string): Promise<Continued & { ended: boolean }> {
  if (r.maxTokens === 0) return { text: '', tokens: 0, finish: 'length', ended: false };
  const g = await student.generate(text, {
    maxNewTokens: r.maxTokens, temperature: r.temperature, topP: r.topP, stop: r.stop, ...(r.seed === undefined ? {} : { seed: r.seed }),
  });
  return { text: g.text, tokens: g.tokens, finish: g.finishReason === 'length' ? 'length' : 'stop', ended: g.finishReason === 'eos' };
}

function fits(scorer: TokenScorer, tokens: number): void {
  if (tokens > scorer.context) {
    throw new LaminiError(ErrorCodes.SERVE_CONTEXT_EXCEEDED, `prompt and completion are ${tokens} tokens; the student's context holds ${scorer.context}`, {
      details: { tokens, context: scorer.context },
    });
  }
}

function promptListed(ids: readonly number[], positions: readonly PositionScore[]): ListedToken[] {
  return ids.map((id, i) => ({ id, score: i === 0 ? undefined : positions[i - 1] }));
}

/** Greedy decoding by the scorer (see the file comment); a stop string ends the text and the listed tokens before it. */
async function greedyScored(student: ServedStudent, scorer: TokenScorer, r: CompletionRequest, promptIds: number[]): Promise<Continued> {
  const topK = Math.max(r.logprobs ?? 0, 1);
  fits(scorer, promptIds.length);
  const first = await scorer.scoreTokens(promptIds, topK);
  let next = first.next;
  const listed: ListedToken[] = [];
  const generatedIds: number[] = [];
  for (let step = 0; step < r.maxTokens; step++) {
    const best = next[0];
    if (best === undefined) break;
    listed.push({ id: best.id, score: { id: best.id, logprob: best.logprob, top: next.slice(0, r.logprobs ?? 0) } });
    if (best.id === student.tokenizer.eosId) return { text: student.tokenizer.decode(generatedIds), tokens: generatedIds.length, finish: 'stop', listed, promptListed: promptListed(promptIds, first.positions) };
    generatedIds.push(best.id);
    const text = student.tokenizer.decode(generatedIds);
    const cut = firstStop(text, r.stop);
    if (cut !== undefined) return { text: text.slice(0, cut), tokens: generatedIds.length, finish: 'stop', listed: before(student, listed, cut), promptListed: promptListed(promptIds, first.positions) };
    if (step + 1 < r.maxTokens) {
      fits(scorer, promptIds.length + generatedIds.length);
      next = (await scorer.scoreTokens([...promptIds, ...generatedIds], topK)).next;
    }
  }
  return { text: student.tokenizer.decode(generatedIds), tokens: generatedIds.length, finish: 'length', listed, promptListed: promptListed(promptIds, first.positions) };
}

/** The student samples; the prompt and its text, as the tokenizer splits it, are scored in one pass. */
async function sampledScored(student: ServedStudent, scorer: TokenScorer, r: CompletionRequest, promptIds: number[], promptText: string): Promise<Continued> {
  const g = await generated(student, r, promptText);
  const genIds = [...(g.text === '' ? [] : student.tokenizer.encode(g.text)), ...(g.ended ? [student.tokenizer.eosId] : [])];
  const all = [...promptIds, ...genIds];
  fits(scorer, all.length);
  const scores = await scorer.scoreTokens(all, r.logprobs ?? 0);
  const listed = promptListed(all, scores.positions);
  return { text: g.text, tokens: g.tokens, finish: g.finish, listed: listed.slice(promptIds.length), promptListed: listed.slice(0, promptIds.length) };
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  let cut: number | undefined;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (cut === undefined || at < cut)) cut = at;
  }
  return cut;
}

/** The listed tokens that start before character `cut` of the generated text. */
function before(student: ServedStudent, listed: readonly ListedToken[], cut: number): ListedToken[] {
  const out: ListedToken[] = [];
  let at = 0;
  for (const t of listed) {
    if (at >= cut) break;
    out.push(t);
    at += student.tokenizer.decode([t.id]).length;
  }
  return out;
}
