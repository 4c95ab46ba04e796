/**
 * The decoder-only (GPT-2) family behind StudentModel: scoring reads context and continuation as one sequence and
 * scores the continuation's positions; generation re-reads the window (the last n_positions tokens) each token.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { floats, type Gpt2 } from '../model/gpt2.ts';
import { parameterCount } from '../model/shape.ts';
import { tf } from '../tf.ts';
import type { Tokenizer } from '../tokenizer/index.ts';
import { runGeneration } from './generation.ts';
import { jointIds, moveTrailingSpace } from './pair.ts';
import { continuationScore, scoreRows } from './score-rows.ts';
import type { ContinuationScore, GenerateOptions, Generation, ScoreRequest, StudentModel } from './types.ts';

/** Sequences per forward pass when scoring many. */
const SCORE_BATCH = 8;

interface Prepared {
  /** Model input: the last tokens of context + continuation, without the final one. */
  input: number[];
  continuation: number[];
}

export interface StudentIdentity {
  name: string;
  dir: string;
  backend: string;
}

export class DecoderOnlyStudent implements StudentModel {
  readonly family = 'decoder-only';
  readonly name: string;
  readonly dir: string;
  readonly backend: string;
  readonly tokenizer: Tokenizer;
  readonly maxContextTokens: number;
  readonly parameters: number;
  readonly #model: Gpt2;

  constructor(model: Gpt2, tokenizer: Tokenizer, identity: StudentIdentity) {
    this.#model = model;
    this.tokenizer = tokenizer;
    this.name = identity.name;
    this.dir = identity.dir;
    this.backend = identity.backend;
    this.maxContextTokens = model.shape.context;
    this.parameters = parameterCount(model.shape);
  }

  async scoreContinuation(context: string, continuation: string): Promise<ContinuationScore> {
    const [score] = await this.scoreContinuations([{ context, continuation }]);
    if (score === undefined) throw new LaminiError(ErrorCodes.INTERNAL, 'scoring returned no result');
    return score;
  }

  async scoreContinuations(requests: readonly ScoreRequest[]): Promise<ContinuationScore[]> {
    const prepared = requests.map((r) => this.#prepare(r));
    const out: ContinuationScore[] = [];
    for (let i = 0; i < prepared.length; i += SCORE_BATCH) out.push(...(await this.#scoreBatch(prepared.slice(i, i + SCORE_BATCH))));
    return out;
  }

  async generate(prompt: string, options: GenerateOptions): Promise<Generation> {
    const ids = this.tokenizer.encode(prompt);
    const start = ids.length === 0 ? [this.tokenizer.eosId] : ids;
    const context = this.maxContextTokens;
    return runGeneration(async (produced) => {
      const window = [...start, ...produced].slice(-context);
      const logits = tf.tidy(() => this.#model.nextLogits(tf.tensor2d(window, [1, window.length], 'int32')));
      try {
        return await floats(logits);
      } finally {
        logits.dispose();
      }
    }, this.tokenizer, options);
  }

  dispose(): void {
    this.#model.dispose();
  }

  #prepare(request: ScoreRequest): Prepared {
    const ids = jointIds(this.tokenizer, moveTrailingSpace(request.context, request.continuation));
    const context = ids.context.length === 0 ? [this.tokenizer.eosId] : ids.context;
    if (ids.continuation.length > this.maxContextTokens) {
      throw new LaminiError(ErrorCodes.STUDENT_INPUT_TOO_LONG,
        `the continuation is ${ids.continuation.length} tokens, more than the model's ${this.maxContextTokens}-token window`,
        { details: { tokens: ids.continuation.length, window: this.maxContextTokens } });
    }
    const whole = [...context, ...ids.continuation].slice(-(this.maxContextTokens + 1));
    return { input: whole.slice(0, -1), continuation: ids.continuation };
  }

  async #scoreBatch(batch: readonly Prepared[]): Promise<ContinuationScore[]> {
    const time = Math.max(1, ...batch.map((p) => p.input.length));
    const ids = new Int32Array(batch.length * time).fill(this.tokenizer.eosId);
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((p, r) => {
      ids.set(p.input, r * time);
      const first = p.input.length - p.continuation.length;
      p.continuation.forEach((id, j) => {
        rows.push(r * time + first + j);
        targets.push(id);
      });
    });
    const logits = tf.tidy(() => this.#model.logits(tf.tensor2d(ids, [batch.length, time], 'int32')));
    try {
      const scored = await scoreRows(logits, rows, targets);
      let at = 0;
      return batch.map((p) => {
        const score = continuationScore(scored, at, p.continuation);
        at += p.continuation.length;
        return score;
      });
    } finally {
      logits.dispose();
    }
  }
}
