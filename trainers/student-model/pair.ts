/**
 * lm-evaluation-harness's split of a (context, continuation) pair: trailing whitespace of the context goes to the
 * front of the continuation, so a tokenizer that glues a space onto the next word (GPT-2's "Ġ", T5's "▁") sees
 * the same words the joined text has.
 */
import type { Tokenizer } from '../tokenizer/index.ts';

export interface PairText {
  context: string;
  continuation: string;
}

export function moveTrailingSpace(context: string, continuation: string): PairText {
  const trimmed = context.trimEnd();
  return { context: trimmed, continuation: context.slice(trimmed.length) + continuation };
}

/** Decoder-only ids: the context's, and the continuation's as the joined text's ids after the context's. */
export function jointIds(tokenizer: Tokenizer, pair: PairText): { context: number[]; continuation: number[] } {
  const context = tokenizer.encode(pair.context);
  const whole = tokenizer.encode(pair.context + pair.continuation);
  return { context, continuation: whole.slice(context.length) };
}
