/**
 * Rows to tensors' contents. An example is the Alpaca prompt, the response and the end token; the model predicts
 * each next token, and only the response's tokens and the end token count in the loss (the prompt's do not).
 * Sequences longer than the context keep their start; batches are padded on the right with the end token at
 * weight 0, to the longest sequence in the batch (causal attention never looks right, so padding needs no mask).
 */
import { alpacaPrompt } from './prompt.ts';

export interface Encoder {
  readonly eosId: number;
  encode(text: string): number[];
}

export interface ExampleText {
  instruction: string;
  input: string;
  response: string;
}

export interface EncodedExample {
  /** Prompt, response, end token; at most context + 1 tokens. */
  ids: number[];
  /** Tokens of the prompt at the start of `ids`. */
  promptTokens: number;
}

export interface Batch {
  rows: number;
  /** Inputs, [rows, time], row-major. */
  ids: Int32Array;
  time: number;
  /** The next token at each input position, [rows × time]. */
  targets: Int32Array;
  /** 1 where the target is a response token or the end token, else 0. */
  weights: Float32Array;
  /** Positions that count in the loss. */
  lossTokens: number;
  /** Input positions that are not padding. */
  tokens: number;
}

export function encodeExample(example: ExampleText, encoder: Encoder, context: number): EncodedExample {
  const prompt = encoder.encode(alpacaPrompt(example));
  const response = encoder.encode(example.response.trim());
  const ids = [...prompt, ...response, encoder.eosId].slice(0, context + 1);
  return { ids, promptTokens: Math.min(prompt.length, ids.length) };
}

export function makeBatch(examples: readonly EncodedExample[], padId: number): Batch {
  const time = Math.max(1, ...examples.map((e) => e.ids.length - 1));
  const rows = examples.length;
  const ids = new Int32Array(rows * time).fill(padId);
  const targets = new Int32Array(rows * time).fill(padId);
  const weights = new Float32Array(rows * time);
  let lossTokens = 0;
  let tokens = 0;
  examples.forEach((e, r) => {
    const n = e.ids.length - 1;
    for (let t = 0; t < n; t++) {
      ids[r * time + t] = e.ids[t] ?? padId;
      targets[r * time + t] = e.ids[t + 1] ?? padId;
      // target t is token t + 1: it counts once it is past the prompt
      if (t + 1 >= e.promptTokens) {
        weights[r * time + t] = 1;
        lossTokens += 1;
      }
    }
    tokens += Math.max(0, n);
  });
  return { rows, ids, time, targets, weights, lossTokens, tokens };
}
