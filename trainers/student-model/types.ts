/**
 * The one interface every student family answers to, for `lamini ask`, `lamini eval` and `lamini serve`. Stable:
 * change it only by adding optional members.
 *
 *   openStudent(dir, options?) → StudentModel                                     (open.ts)
 *     family                 'decoder-only' (GPT-2) | 'encoder-decoder' (T5, Flan-T5)
 *     name, dir              a display name (folder, or run/checkpoint-N) and the model folder read
 *     tokenizer              encode(text) → ids (no special tokens added), decode(ids) → text, eosId, vocabSize
 *     maxContextTokens       the longest token window the model reads (decoder-only: n_positions)
 *     scoreContinuation(context, continuation) → { logprob, isGreedy, tokens, tokenLogprobs, tokenIds }
 *     scoreContinuations([{ context, continuation }, …]) → the same, in order (batched forward passes)
 *     generate(prompt, { maxNewTokens, temperature?, topP?, seed?, stop?, onToken? }) → { text, tokens, finishReason }
 *     dispose()
 *
 * Scoring follows lm-evaluation-harness's `loglikelihood` request: trailing whitespace of the context moves to the
 * start of the continuation; decoder-only: the context's ids, then the continuation's (split off the ids of the
 * joined text, as the harness does), the model reads them left to right (the window keeps the last tokens) and
 * only the continuation's positions are scored; an empty context is the end token. Encoder-decoder: the context's
 * ids and the end token go to the encoder, the decoder reads the decoder start token and the continuation's ids
 * and predicts the continuation (no end token appended to it). `logprob` is the natural-log sum; `isGreedy` is
 * true when every continuation token is the model's argmax at its position.
 */
import type { Tokenizer } from '../tokenizer/index.ts';

export type StudentFamily = 'decoder-only' | 'encoder-decoder';

export interface ContinuationScore {
  /** Σ log p(continuation token | everything before it), natural log. */
  logprob: number;
  /** Every continuation token is the argmax of its position. */
  isGreedy: boolean;
  /** Continuation tokens scored. */
  tokens: number;
  tokenLogprobs: number[];
  tokenIds: number[];
}

export interface ScoreRequest {
  context: string;
  continuation: string;
}

export interface GenerateOptions {
  /** Most tokens to produce (the end token is not counted and not returned). */
  maxNewTokens: number;
  /** 0 (default) is greedy; above 0 samples. */
  temperature?: number;
  /** Nucleus sampling mass, (0, 1]; default 1. */
  topP?: number;
  /** Seed of the sampling draws; the same seed gives the same text. Default 1. */
  seed?: number;
  /** Stops at the first of these strings; the returned text ends before it. */
  stop?: readonly string[];
  /** Each new piece of text as it becomes final (never a half UTF-8 character, never part of a stop string). */
  onToken?: (text: string) => void;
}

export type FinishReason = 'eos' | 'stop' | 'length';

export interface Generation {
  text: string;
  /** Tokens generated, not counting an end token. */
  tokens: number;
  /** `eos`: the end token; `stop`: a stop string; `length`: maxNewTokens reached. */
  finishReason: FinishReason;
}

export interface StudentModel {
  readonly family: StudentFamily;
  readonly name: string;
  /** The model folder read (a checkpoint root resolves to its latest checkpoint). */
  readonly dir: string;
  readonly tokenizer: Tokenizer;
  readonly maxContextTokens: number;
  /** Parameters, a tied head counted once (as `transformers`' num_parameters()). */
  readonly parameters: number;
  /** The TensorFlow.js backend it runs on. */
  readonly backend: string;
  scoreContinuation(context: string, continuation: string): Promise<ContinuationScore>;
  scoreContinuations(requests: readonly ScoreRequest[]): Promise<ContinuationScore[]>;
  generate(prompt: string, options: GenerateOptions): Promise<Generation>;
  dispose(): void;
}
