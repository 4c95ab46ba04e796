/**
 * A student made ready to train, whatever its family: the model's variables, rows to batches (the Alpaca prompt
 * and response as each family reads them), and the model half of a checkpoint. Batches close over their own
 * tensors' contents (`lossSum`), so the step, the evaluation and the loop never look at the family.
 */
import type { CheckpointParts } from './checkpoint/index.ts';
import { encodeExample, makeBatch } from './batch.ts';
import type { TrainRow } from './data/index.ts';
import { Gpt2 } from './model/gpt2.ts';
import { parameterCount } from './model/shape.ts';
import { T5 } from './model/t5.ts';
import { t5ParameterCount } from './checkpoint/t5-presets.ts';
import type { Arch } from './presets.ts';
import { encodeSeq2SeqExample, makeSeq2SeqBatch } from './seq2seq-batch.ts';
import type { Trainable } from './step.ts';
import type { Student } from './student.ts';
import type { T5Student } from './student-t5.ts';
import type { Scalar } from './tf.ts';
import type { Tokenizer } from './tokenizer/index.ts';

export interface PreparedBatch {
  rows: number;
  lossTokens: number;
  /** Positions read (encoder and decoder for an encoder-decoder student), for tokens per second. */
  tokens: number;
  lossSum(): Scalar;
}

/** Either family, with the student it was made from. */
export type AnyStudent =
  | { arch: 'decoder-only'; student: Student }
  | { arch: 'encoder-decoder'; student: T5Student; window: number };

export interface StudentRuntime extends Trainable<PreparedBatch> {
  readonly arch: Arch;
  readonly tokenizer: Tokenizer;
  /** The longest sequence: the context (decoder-only), or the encoder input and decoder target (encoder-decoder). */
  readonly window: number;
  readonly parameters: number;
  /** One line: the architecture and its sizes. */
  readonly description: string;
  prepare(rows: readonly TrainRow[]): PreparedBatch;
  /** The checkpoint's parts with the current weights. */
  checkpointParts(trainer: Pick<CheckpointParts, 'trainerState' | 'optimizer'>): Promise<CheckpointParts>;
  dispose(): void;
}

export function makeRuntime(any: AnyStudent, embedding: 'gather' | 'one-hot'): StudentRuntime {
  return any.arch === 'decoder-only' ? decoderOnly(any.student, embedding) : encoderDecoder(any.student, any.window, embedding);
}

function decoderOnly(student: Student, embedding: 'gather' | 'one-hot'): StudentRuntime {
  const { config, tokenizer } = student;
  const model = new Gpt2(config, student.weights, { embedding });
  return {
    arch: 'decoder-only',
    tokenizer,
    window: config.context,
    parameters: parameterCount(config),
    params: model.params,
    description: `GPT-2, ${config.layers} layers, d ${config.dModel}, ${config.heads} heads, context ${config.context}, vocabulary ${config.vocabSize}`,
    batchLossSum: (b) => b.lossSum(),
    prepare(rows) {
      const batch = makeBatch(rows.map((r) => encodeExample(r, tokenizer, config.context)), tokenizer.eosId);
      return { rows: batch.rows, lossTokens: batch.lossTokens, tokens: batch.tokens, lossSum: () => model.batchLossSum(batch) };
    },
    async checkpointParts(trainer) {
      return { arch: 'gpt2', config, weights: await model.weights(), tokenizerJson: tokenizer.toJson(), ...trainer };
    },
    dispose: () => model.dispose(),
  };
}

function encoderDecoder(student: T5Student, window: number, embedding: 'gather' | 'one-hot'): StudentRuntime {
  const { config, tokenizer } = student;
  const model = new T5(config, student.weights, { embedding });
  const ids = { padId: config.padTokenId, decoderStartId: config.decoderStartTokenId };
  const variant = config.feedForwardProj === 'gated-gelu' ? 'T5 v1.1 (gated GELU, untied head)' : 'T5 (ReLU, tied head)';
  return {
    arch: 'encoder-decoder',
    tokenizer,
    window,
    parameters: t5ParameterCount(config),
    params: model.params,
    description: `${variant}, ${config.numLayers}+${config.numDecoderLayers} layers, d ${config.dModel}, ${config.numHeads} heads × ${config.dKv}, ` +
      `d_ff ${config.dFf}, window ${window}, vocabulary ${config.vocabSize}`,
    batchLossSum: (b) => b.lossSum(),
    prepare(rows) {
      const batch = makeSeq2SeqBatch(rows.map((r) => encodeSeq2SeqExample(r, tokenizer, window)), ids);
      return { rows: batch.rows, lossTokens: batch.lossTokens, tokens: batch.tokens, lossSum: () => model.batchLossSum(batch) };
    },
    async checkpointParts(trainer) {
      return { arch: 't5', config, weights: await model.weights(), tokenizerJson: tokenizer.toJson(), ...trainer };
    },
    dispose: () => model.dispose(),
  };
}

