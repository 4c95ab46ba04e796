/**
 * OpenAI's legacy completions `logprobs` object, as lm-evaluation-harness's `local-completions` reads it:
 *
 *   tokens          each listed token's text (one token decoded alone)
 *   token_logprobs  log p(token | everything before it); null for the very first token of an echoed prompt
 *   top_logprobs    per token, {text: logprob} of the `logprobs` most likely tokens plus the chosen one (null
 *                   where token_logprobs is null). The harness sets is_greedy when the chosen token's value
 *                   equals the largest value here, so the argmax is always among them
 *   text_offset     where each token starts, in characters from the start of the prompt text: the running
 *                   sum of the listed tokens' lengths (a token that splits a UTF-8 character decodes to U+FFFD)
 */
import type { Tokenizer } from '../trainers/tokenizer/index.ts';
import type { PositionScore } from './student.ts';

export interface LogprobsBody {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

/** One listed token: its id and its score (undefined for the first token of an echoed prompt). */
export interface ListedToken {
  id: number;
  score: PositionScore | undefined;
}

export function logprobsBody(tokenizer: Tokenizer, listed: readonly ListedToken[], startOffset: number): LogprobsBody {
  const body: LogprobsBody = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = startOffset;
  for (const { id, score } of listed) {
    const text = tokenizer.decode([id]);
    body.tokens.push(text);
    body.text_offset.push(offset);
    offset += text.length;
    if (score === undefined) {
      body.token_logprobs.push(null);
      body.top_logprobs.push(null);
      continue;
    }
    body.token_logprobs.push(score.logprob);
    const top: Record<string, number> = {};
    // Two ids can decode to the same text (partial UTF-8 bytes): the larger value wins the key.
    for (const alt of [...score.top, { id, logprob: score.logprob }]) {
      const key = tokenizer.decode([alt.id]);
      const seen = top[key];
      if (seen === undefined || alt.logprob > seen) top[key] = alt.logprob;
    }
    body.top_logprobs.push(top);
  }
  return body;
}
