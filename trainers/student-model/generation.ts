/**
 * The generation loop both families share: ask the model for the next token's logits given the tokens produced so
 * far, pick one (sampling.ts), stop at the end token, a stop string or the budget. Text is decoded from all the
 * tokens so far each time (a token may end half a UTF-8 character); `onToken` gets only text that is final: no
 * trailing replacement character (a character still incomplete) and nothing that could be the start of a stop
 * string.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { Tokenizer } from '../tokenizer/index.ts';
import { pickToken } from './sampling.ts';
import type { GenerateOptions, Generation } from './types.ts';

/** Logits of the next token after `produced` (the prompt is the caller's). */
export type NextLogits = (produced: readonly number[]) => Promise<Float32Array>;

export async function runGeneration(next: NextLogits, tokenizer: Tokenizer, options: GenerateOptions): Promise<Generation> {
  const sampling = checkGenerateOptions(options);
  const stops = (options.stop ?? []).filter((s) => s !== '');
  const out: number[] = [];
  let emitted = 0;
  const emit = (text: string, final: boolean): void => {
    if (options.onToken === undefined) return;
    const ready = final ? text.length : safeLength(text, stops);
    if (ready > emitted) {
      options.onToken(text.slice(emitted, ready));
      emitted = ready;
    }
  };
  for (let i = 0; i < options.maxNewTokens; i++) {
    const id = pickToken(await next(out), sampling, i);
    if (id === tokenizer.eosId) return finish(tokenizer.decode(out), out.length, 'eos', emit);
    out.push(id);
    const text = tokenizer.decode(out);
    const at = firstStop(text, stops);
    if (at !== undefined) return finish(text.slice(0, at), out.length, 'stop', emit);
    emit(text, false);
  }
  return finish(tokenizer.decode(out), out.length, 'length', emit);
}

function finish(text: string, tokens: number, finishReason: Generation['finishReason'], emit: (t: string, final: boolean) => void): Generation {
  emit(text, true);
  return { text, tokens, finishReason };
}

function checkGenerateOptions(o: GenerateOptions): { temperature: number; topP: number; seed: number } {
  const problems: string[] = [];
  if (!Number.isSafeInteger(o.maxNewTokens) || o.maxNewTokens < 0) problems.push('maxNewTokens must be an integer >= 0');
  const temperature = o.temperature ?? 0;
  const topP = o.topP ?? 1;
  const seed = o.seed ?? 1;
  if (!(temperature >= 0 && Number.isFinite(temperature))) problems.push('temperature must be a number >= 0');
  if (!(topP > 0 && topP <= 1)) problems.push('topP must be in (0, 1]');
  if (!Number.isSafeInteger(seed) || seed < 0) problems.push('seed must be an integer >= 0');
  if (problems.length > 0) throw new LaminiError(ErrorCodes.USAGE, `generate: ${problems.join('; ')}`);
  return { temperature, topP, seed };
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  let first: number | undefined;
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at >= 0 && (first === undefined || at < first)) first = at;
  }
  return first;
}

/** How much of `text` can be streamed: not a trailing U+FFFD, nor a suffix that begins some stop string. */
function safeLength(text: string, stops: readonly string[]): number {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end--;
  let held = 0;
  for (const s of stops) {
    for (let k = Math.min(s.length - 1, end); k > held; k--) {
      if (text.slice(end - k, end) === s.slice(0, k)) {
        held = k;
        break;
      }
    }
  }
  return end - held;
}
