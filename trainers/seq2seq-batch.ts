/**
 * Rows to an encoder-decoder student's tensors' contents. The encoder reads the Alpaca wrapper's instruction part
 * (the prompt up to `### Response:`) and the end token, as HF's T5 tokenizer appends it; the decoder reads the
 * decoder start token and the response, and predicts the response and the end token (every decoder position
 * counts in the loss). A source longer than the window keeps its last tokens (the instruction's end and the
 * `### Response:` cue; the wrapper's fixed preamble goes first), a target keeps its first. Batches are padded on
 * the right with the pad id, the encoder's padding hidden by a mask, the decoder's at weight 0 (its causal
 * attention never looks right).
 */
import type { Encoder, ExampleText } from './batch.ts';
import { alpacaPrompt } from './prompt.ts';

export interface Seq2SeqExample {
  /** Encoder ids, ending with the end token; at most `window`. */
  source: number[];
  /** Decoder targets: the response's ids and the end token; at most `window`. */
  target: number[];
}

export interface Seq2SeqBatch {
  rows: number;
  /** [rows, encoderTime], row-major. */
  encoderIds: Int32Array;
  encoderTime: number;
  /** [rows, encoderTime]: 1 for a token, 0 for padding. */
  encoderMask: Float32Array;
  /** [rows, decoderTime]: the start token, then the targets shifted right. */
  decoderIds: Int32Array;
  decoderTime: number;
  /** [rows × decoderTime]. */
  targets: Int32Array;
  /** 1 where a target counts, else 0. */
  weights: Float32Array;
  lossTokens: number;
  /** Encoder and decoder positions that are not padding. */
  tokens: number;
}

export function encodeSeq2SeqExample(example: ExampleText, encoder: Encoder, window: number): Seq2SeqExample {
  const prompt = encoder.encode(alpacaPrompt(example));
  const response = encoder.encode(example.response.trim());
  return {
    source: [...prompt.slice(Math.max(0, prompt.length - (window - 1))), encoder.eosId],
    target: [...response, encoder.eosId].slice(0, window),
  };
}

export function makeSeq2SeqBatch(examples: readonly Seq2SeqExample[], ids: { padId: number; decoderStartId: number }): Seq2SeqBatch {
  const rows = examples.length;
  const encoderTime = Math.max(1, ...examples.map((e) => e.source.length));
  const decoderTime = Math.max(1, ...examples.map((e) => e.target.length));
  const encoderIds = new Int32Array(rows * encoderTime).fill(ids.padId);
  const encoderMask = new Float32Array(rows * encoderTime);
  const decoderIds = new Int32Array(rows * decoderTime).fill(ids.padId);
  const targets = new Int32Array(rows * decoderTime).fill(ids.padId);
  const weights = new Float32Array(rows * decoderTime);
  let lossTokens = 0;
  let tokens = 0;
  examples.forEach((e, r) => {
    encoderIds.set(e.source, r * encoderTime);
    encoderMask.fill(1, r * encoderTime, r * encoderTime + e.source.length);
    e.target.forEach((id, t) => {
      decoderIds[r * decoderTime + t] = t === 0 ? ids.decoderStartId : (e.target[t - 1] ?? ids.padId);
      targets[r * decoderTime + t] = id;
      weights[r * decoderTime + t] = 1;
    });
    lossTokens += e.target.length;
    tokens += e.source.length + e.target.length;
  });
  return { rows, encoderIds, encoderTime, encoderMask, decoderIds, decoderTime, targets, weights, lossTokens, tokens };
}
