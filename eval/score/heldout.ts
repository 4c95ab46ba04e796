/**
 * Held-out loss and perplexity on the corpus's evaluation split (trainers/data: an example is held out by the
 * sha256 of its id, never trained on). Each row is scored as a loglikelihood request: the Alpaca prompt as the
 * context, the response and the end token as the continuation, so the loss is the mean negative log-likelihood
 * per scored token over all rows (token-weighted, as the trainer's eval_loss), and perplexity = exp(loss).
 *
 * It is close to, not the same as, the trainer's eval_loss: the harness's split moves the prompt's final newline
 * into the continuation (so its token counts), and prompt and response are tokenised together rather than apart.
 * Rows whose response is longer than the model's window are skipped and counted.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLaminiError, ErrorCodes, LaminiError } from '../../common/errors.ts';
import { readManifest } from '../../corpus/manifest.ts';
import { DEFAULT_EVAL_PERMILLE, evalRows, type TrainRow } from '../../trainers/data/index.ts';
import { alpacaPrompt } from '../../trainers/prompt.ts';
import { parseTrainerState } from '../../trainers/state.ts';
import type { MetricValue } from './choice.ts';
import type { Scorer } from './scorer.ts';

export interface HeldoutSplit {
  /** Examples shards with seq <= this are read (the checkpoint's cursor.coveredTo, else the manifest's latest). */
  snapshot: number;
  permille: number;
  /** Where the split came from: the checkpoint's trainer_state.json, or the corpus as it is now. */
  from: 'checkpoint' | 'corpus';
}

export interface HeldoutResult {
  metrics: MetricValue[];
  rows: number;
  tokens: number;
  skipped: number;
  split: HeldoutSplit;
}

/** The split a checkpoint was trained against (its cursor), or the whole current corpus at the default share. */
export async function heldoutSplit(dataDir: string, checkpointDir: string): Promise<HeldoutSplit> {
  const path = join(checkpointDir, 'trainer_state.json');
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${path} is not JSON`, { cause: error, details: { path } });
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${path} is not a JSON object`, { details: { path } });
    }
    const { cursor } = parseTrainerState(Object.fromEntries(Object.entries(raw)), path);
    return { snapshot: cursor.coveredTo, permille: cursor.evalPermille, from: 'checkpoint' };
  }
  const manifest = await readManifest(dataDir);
  const snapshot = manifest.tables.examples.shards.reduce((m, s) => Math.max(m, s.seq), 0);
  return { snapshot, permille: DEFAULT_EVAL_PERMILLE, from: 'corpus' };
}

export async function heldoutRows(dataDir: string, split: HeldoutSplit, limit: number): Promise<TrainRow[]> {
  if (split.snapshot === 0 || split.permille === 0 || limit === 0) return [];
  return evalRows(dataDir, split.snapshot, { permille: split.permille, limit });
}

/** `endText` is the end token as text (the tokenizer turns it back into the end token's id). */
const HELDOUT_CHUNK = 16;

export async function scoreHeldout(scorer: Scorer, rows: readonly TrainRow[], endText: string, split: HeldoutSplit): Promise<HeldoutResult> {
  let nll = 0;
  let tokens = 0;
  let skipped = 0;
  let scored = 0;
  const add = (logprob: number, count: number): void => {
    nll -= logprob;
    tokens += count;
    scored += 1;
  };
  for (let i = 0; i < rows.length; i += HELDOUT_CHUNK) {
    const requests = rows.slice(i, i + HELDOUT_CHUNK).map((row) => ({ context: alpacaPrompt(row), continuation: `${row.response.trim()}${endText}` }));
    try {
      for (const s of await scorer.scoreContinuations(requests)) add(s.logprob, s.tokens);
    } catch (error) {
      if (!isLaminiError(error, ErrorCodes.STUDENT_INPUT_TOO_LONG)) throw error;
      // One row of the chunk is too long for the window: score them one by one and count the ones that are.
      for (const request of requests) {
        try {
          for (const s of await scorer.scoreContinuations([request])) add(s.logprob, s.tokens);
        } catch (inner) {
          if (!isLaminiError(inner, ErrorCodes.STUDENT_INPUT_TOO_LONG)) throw inner;
          skipped += 1;
        }
      }
    }
  }
  const loss = tokens === 0 ? Number.NaN : nll / tokens;
  return {
    metrics: [
      { metric: 'loss', value: loss, stderr: null, n: scored },
      { metric: 'perplexity', value: Math.exp(loss), stderr: null, n: scored },
    ],
    rows: scored,
    tokens,
    skipped,
    split,
  };
}
