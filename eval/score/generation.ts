/**
 * Generation tasks: the student answers each prompt greedily, and the answer is compared with the reference
 * (the best over several references, as SQuAD does) by exact match, token F1 and ROUGE-L (metrics/text.ts).
 * Raw prompts stop at a blank line, as the harness's `generate_until` does by default; wrapped prompts run to
 * the end token, as the student was trained to stop.
 */
import { exactMatch, mean, meanStderr, rougeL, tokenF1 } from '../metrics/index.ts';
import { shapePrompt, type PromptStyle } from '../prompt.ts';
import type { GenerationItem } from '../tasks/index.ts';
import type { MetricValue } from './choice.ts';
import type { Scorer } from './scorer.ts';

export interface GenerationItemResult {
  id: string;
  prediction: string;
  exactMatch: number;
  f1: number;
  rougeL: number;
}

export interface GenerationOptions {
  maxNewTokens: number;
}

export const RAW_STOP = ['\n\n'] as const;

export async function scoreGenerationTask(
  scorer: Scorer,
  items: readonly GenerationItem[],
  style: PromptStyle,
  options: GenerationOptions,
  onProgress: (done: number) => void = () => undefined,
): Promise<{ items: GenerationItemResult[]; metrics: MetricValue[] }> {
  const results: GenerationItemResult[] = [];
  for (const item of items) {
    const answer = await scorer.generate(shapePrompt(item.prompt, style), {
      maxNewTokens: options.maxNewTokens,
      temperature: 0,
      ...(style.wrapper ? {} : { stop: RAW_STOP }),
    });
    results.push(scoreAnswer(item, answer.text.trim()));
    onProgress(results.length);
  }
  return { items: results, metrics: generationMetrics(results) };
}

export function scoreAnswer(item: GenerationItem, prediction: string): GenerationItemResult {
  const best = (f: (p: string, r: string) => number): number => Math.max(...item.references.map((r) => f(prediction, r)));
  return { id: item.id, prediction, exactMatch: best(exactMatch), f1: best(tokenF1), rougeL: best(rougeL) };
}

export function generationMetrics(items: readonly GenerationItemResult[]): MetricValue[] {
  const of = (metric: string, values: number[]): MetricValue => ({ metric, value: mean(values), stderr: meanStderr(values), n: values.length });
  return [
    of('exact_match', items.map((r) => r.exactMatch)),
    of('f1', items.map((r) => r.f1)),
    of('rouge_l', items.map((r) => r.rougeL)),
  ];
}
