/**
 * What `lamini serve` needs from a student: the trainers' StudentModel (generation, tokenizer, family), and for a
 * decoder-only student a token scorer that gives, in one forward pass, the log-probability of every token of a
 * sequence after its prefix with the most likely alternatives at each position: what OpenAI's legacy
 * `logprobs` / `echo` report, and what lm-evaluation-harness's `local-completions` reads. StudentModel's
 * `scoreContinuation` gives a pair's total and a whole-continuation `isGreedy`, not per-position alternatives.
 */
import type { GenerateOptions, Generation, StudentFamily } from '../trainers/student-model/types.ts';
import type { Tokenizer } from '../trainers/tokenizer/index.ts';

export interface TokenAlternative {
  id: number;
  logprob: number;
}

/** One scored position: `ids[i]` after `ids[0..i)`. */
export interface PositionScore {
  id: number;
  logprob: number;
  /** The `topK` most likely tokens at this position, most likely first (ties: lower id first). */
  top: TokenAlternative[];
}

export interface SequenceScores {
  /** Positions 1..ids.length-1 (the first token has no prefix). */
  positions: PositionScore[];
  /** The `topK` most likely tokens after the whole sequence. */
  next: TokenAlternative[];
}

export interface TokenScorer {
  /** The longest sequence `scoreTokens` takes. */
  readonly context: number;
  /** One forward pass over `ids` (1 <= length <= `context`). */
  scoreTokens(ids: readonly number[], topK: number): Promise<SequenceScores>;
  dispose(): void;
}

export interface ServedStudent {
  readonly name: string;
  readonly family: StudentFamily;
  readonly maxContextTokens: number;
  readonly tokenizer: Tokenizer;
  /** Absent for encoder-decoder students: their prompt is the encoder's input, not scored text. */
  readonly scorer: TokenScorer | undefined;
  generate(prompt: string, options: GenerateOptions): Promise<Generation>;
  dispose(): void;
}
