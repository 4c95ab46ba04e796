/**
 * The encoder-decoder (T5, Flan-T5) family behind StudentModel: the context (and the end token, as HF's T5
 * tokenizer appends it) goes to the encoder once; the decoder starts from the decoder start token. Generation runs
 * the encoder once and re-reads the decoder's tokens each step (no key/value cache).
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { t5ParameterCount } from '../checkpoint/t5-presets.ts';
import { floats } from '../model/gpt2.ts';
import type { T5 } from '../model/t5.ts';
import { T5_WINDOW } from '../presets.ts';
import { tf, type Tensor } from '../tf.ts';
import type { Tokenizer } from '../tokenizer/index.ts';
import type { StudentIdentity } from './decoder-only.ts';
import { runGeneration } from './generation.ts';
import { moveTrailingSpace } from './pair.ts';
import { continuationScore, scoreRows } from './score-rows.ts';
import type { ContinuationScore, GenerateOptions, Generation, ScoreRequest, StudentModel } from './types.ts';

export { T5_WINDOW };
const SCORE_BATCH = 8;

interface Prepared {
  encoder: number[];
  continuation: number[];
}

export class EncoderDecoderStudent implements StudentModel {
  readonly family = 'encoder-decoder';
  readonly name: string;
  readonly dir: string;
  readonly backend: string;
  readonly tokenizer: Tokenizer;
  readonly maxContextTokens = T5_WINDOW;
  readonly parameters: number;
  readonly #model: T5;

  constructor(model: T5, tokenizer: Tokenizer, identity: StudentIdentity) {
    this.#model = model;
    this.tokenizer = tokenizer;
    this.name = identity.name;
    this.dir = identity.dir;
    this.backend = identity.backend;
    this.parameters = t5ParameterCount(model.config);
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
    const source = this.encoderIds(prompt);
    const encoded: Tensor = tf.tidy(() => this.#model.encode(tf.tensor2d(source, [1, source.length], 'int32')));
    const start = this.#model.config.decoderStartTokenId;
    try {
      return await runGeneration(async (produced) => {
        const ids = [start, ...produced].slice(-T5_WINDOW);
        const logits = tf.tidy(() => {
          const all = this.#model.decoderLogits(tf.tensor2d(ids, [1, ids.length], 'int32'), encoded);
          return all.slice([ids.length - 1, 0], [1, all.shape[1]]);
        });
        try {
          return await floats(logits);
        } finally {
          logits.dispose();
        }
      }, this.tokenizer, options);
    } finally {
      encoded.dispose();
    }
  }

  dispose(): void {
    this.#model.dispose();
  }

  /** The encoder's ids for a text: its tokens (the last ones when too long) and the end token. */
  encoderIds(text: string): number[] {
    return [...this.tokenizer.encode(text).slice(-(T5_WINDOW - 1)), this.tokenizer.eosId];
  }

  #prepare(request: ScoreRequest): Prepared {
    const pair = moveTrailingSpace(request.context, request.continuation);
    const continuation = this.tokenizer.encode(pair.continuation);
    if (continuation.length > T5_WINDOW) {
      throw new LaminiError(ErrorCodes.STUDENT_INPUT_TOO_LONG,
        `the continuation is ${continuation.length} tokens, more than the ${T5_WINDOW} the decoder reads`,
        { details: { tokens: continuation.length, window: T5_WINDOW } });
    }
    return { encoder: this.encoderIds(pair.context), continuation };
  }

  async #scoreBatch(batch: readonly Prepared[]): Promise<ContinuationScore[]> {
    const { padTokenId: pad, decoderStartTokenId: start } = this.#model.config;
    const encTime = Math.max(...batch.map((p) => p.encoder.length));
    const decTime = Math.max(1, ...batch.map((p) => p.continuation.length));
    const enc = new Int32Array(batch.length * encTime).fill(pad);
    const mask = new Float32Array(batch.length * encTime);
    const dec = new Int32Array(batch.length * decTime).fill(pad);
    const rows: number[] = [];
    const targets: number[] = [];
    batch.forEach((p, r) => {
      enc.set(p.encoder, r * encTime);
      mask.fill(1, r * encTime, r * encTime + p.encoder.length);
      dec.set([start, ...p.continuation.slice(0, -1)], r * decTime);
      p.continuation.forEach((id, j) => {
        rows.push(r * decTime + j);
        targets.push(id);
      });
    });
    const logits = tf.tidy(() => this.#model.logits(
      tf.tensor2d(enc, [batch.length, encTime], 'int32'),
      tf.tensor2d(dec, [batch.length, decTime], 'int32'),
      tf.tensor2d(mask, [batch.length, encTime], 'float32'),
    ));
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
