/**
 * Zero-shot multiple choice by log-likelihood, lm-evaluation-harness's `multiple_choice` output type: one
 * loglikelihood request per choice, (context, delimiter + choice), or for partial scoring (context_i,
 * delimiter + continuation); then acc and acc_norm per item (metrics/multiple-choice.ts), mean and
 * mean_stderr over items. The student applies the harness's split of each pair (trailing whitespace of the
 * context moves to the continuation).
 */
import type { ScoreRequest } from '../../trainers/student-model/index.ts';
import { meanStderr, mean, scoreChoices } from '../metrics/index.ts';
import { shapePrompt, type PromptStyle } from '../prompt.ts';
import type { ChoiceItem, PartialItem } from '../tasks/index.ts';
import { SCORE_CHUNK, type Scorer } from './scorer.ts';

export interface ChoiceItemResult {
  id: string;
  gold: number;
  lls: number[];
  pred: number;
  predNorm: number;
  acc: 0 | 1;
  accNorm: 0 | 1;
}

export interface MetricValue {
  metric: string;
  value: number;
  stderr: number | null;
  n: number;
}

export interface ChoiceTaskResult {
  items: ChoiceItemResult[];
  metrics: MetricValue[];
}

/** The loglikelihood requests of one item, in choice order. */
export function choiceRequests(item: ChoiceItem | PartialItem, style: PromptStyle): ScoreRequest[] {
  if (item.kind === 'choice') {
    const context = shapePrompt(item.context, style);
    return item.choices.map((choice) => ({ context, continuation: `${style.delimiter}${choice}` }));
  }
  return item.contexts.map((c) => ({ context: shapePrompt(c, style), continuation: `${style.delimiter}${item.continuation}` }));
}

/**
 * The strings whose character lengths normalise acc_norm: the choices; for partial scoring, the contexts as
 * the task gives them (the harness's `doc_to_choice` for WinoGrande returns the partial sentences, and
 * `process_results` divides by their lengths).
 */
export function lengthTexts(item: ChoiceItem | PartialItem): string[] {
  return item.kind === 'choice' ? item.choices : item.contexts;
}

export async function scoreChoiceTask(
  scorer: Scorer,
  items: ReadonlyArray<ChoiceItem | PartialItem>,
  style: PromptStyle,
  onProgress: (done: number) => void = () => undefined,
): Promise<ChoiceTaskResult> {
  const requests = items.map((item) => choiceRequests(item, style));
  const flat = requests.flat();
  const lls: number[] = [];
  for (let i = 0; i < flat.length; i += SCORE_CHUNK) {
    const scores = await scorer.scoreContinuations(flat.slice(i, i + SCORE_CHUNK));
    for (const s of scores) lls.push(s.logprob);
    onProgress(Math.min(flat.length, i + SCORE_CHUNK));
  }
  let at = 0;
  const results = items.map((item, k) => {
    const count = requests[k]?.length ?? 0;
    const mine = lls.slice(at, at + count);
    at += count;
    const score = scoreChoices(mine, lengthTexts(item), item.gold);
    return { id: item.id, gold: item.gold, lls: mine, ...score };
  });
  return { items: results, metrics: choiceMetrics(results) };
}

export function choiceMetrics(items: readonly ChoiceItemResult[]): MetricValue[] {
  const acc = items.map((r) => r.acc);
  const accNorm = items.map((r) => r.accNorm);
  return [
    { metric: 'acc', value: mean(acc), stderr: meanStderr(acc), n: items.length },
    { metric: 'acc_norm', value: mean(accNorm), stderr: meanStderr(accNorm), n: items.length },
  ];
}
