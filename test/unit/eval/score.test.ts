/**
 * Scoring through the Scorer interface with a scripted student: the requests the harness would send (context,
 * delimiter + choice; the Alpaca wrapper or raw), and the metrics computed from the scores it returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreChoiceTask } from '../../../eval/score/choice.ts';
import { scoreGenerationTask } from '../../../eval/score/generation.ts';
import { scoreHeldout } from '../../../eval/score/heldout.ts';
import type { Scorer } from '../../../eval/score/scorer.ts';
import { promptStyle } from '../../../eval/prompt.ts';
import { alpacaPrompt } from '../../../trainers/prompt.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { ChoiceItem, GenerationItem, PartialItem } from '../../../eval/tasks/index.ts';
import type { ContinuationScore, GenerateOptions, ScoreRequest } from '../../../trainers/student-model/index.ts';

/** Scores from a table keyed by continuation; records every request and every generate call. */
function scripted(logprobs: Record<string, number>, answers: Record<string, string> = {}) {
  const requests: ScoreRequest[] = [];
  const prompts: Array<{ prompt: string; options: GenerateOptions }> = [];
  const scorer: Scorer = {
    async scoreContinuations(batch) {
      requests.push(...batch);
      return batch.map((r): ContinuationScore => {
        const lp = logprobs[r.continuation];
        if (lp === undefined) throw new LaminiError(ErrorCodes.STUDENT_INPUT_TOO_LONG, `no score for ${JSON.stringify(r.continuation)}`);
        return { logprob: lp, isGreedy: false, tokens: 2, tokenLogprobs: [lp / 2, lp / 2], tokenIds: [1, 2] };
      });
    },
    async generate(prompt, options) {
      prompts.push({ prompt, options });
      return { text: answers[prompt] ?? '', tokens: 1, finishReason: 'eos' };
    },
  };
  return { scorer, requests, prompts };
}

const items: ChoiceItem[] = [
  { kind: 'choice', id: 'a', context: 'Q1', choices: ['🙂🙂🙂', 'abcd'], gold: 1 },
  { kind: 'choice', id: 'b', context: 'Q2', choices: ['x', 'yy'], gold: 0 },
];

test('raw prompts: (context, " " + choice) per choice; acc and acc_norm with stderr over items', async () => {
  const { scorer, requests } = scripted({ ' 🙂🙂🙂': -3.3, ' abcd': -4, ' x': -1, ' yy': -1.5 });
  const result = await scoreChoiceTask(scorer, items, promptStyle(false));
  assert.deepEqual(requests, [
    { context: 'Q1', continuation: ' 🙂🙂🙂' }, { context: 'Q1', continuation: ' abcd' },
    { context: 'Q2', continuation: ' x' }, { context: 'Q2', continuation: ' yy' },
  ]);
  // item a: acc 0 (-3.3 > -4), acc_norm 1 (-1.1 < -1.0); item b: acc 1 (-1 > -1.5), acc_norm 0 (-1/1 < -1.5/2)
  assert.deepEqual(result.items.map((i) => [i.acc, i.accNorm]), [[0, 1], [1, 0]]);
  // both metrics: [0, 1] → mean 0.5, stderr sqrt(0.5)/sqrt(2) = 0.5
  assert.deepEqual(result.metrics, [
    { metric: 'acc', value: 0.5, stderr: 0.5, n: 2 },
    { metric: 'acc_norm', value: 0.5, stderr: 0.5, n: 2 },
  ]);
});

test('wrapped prompts: the Alpaca prompt as context and no delimiter, unless one is given', async () => {
  const { scorer, requests } = scripted({ '🙂🙂🙂': -1, abcd: -2, x: -1, yy: -2, '|x': -1, '|yy': -2 });
  await scoreChoiceTask(scorer, items.slice(1), promptStyle(true));
  assert.deepEqual(requests.map((r) => r.context), [alpacaPrompt({ instruction: 'Q2', input: '' }), alpacaPrompt({ instruction: 'Q2', input: '' })]);
  assert.deepEqual(requests.map((r) => r.continuation), ['x', 'yy']);
  requests.length = 0;
  await scoreChoiceTask(scorer, items.slice(1), promptStyle(true, '|'));
  assert.deepEqual(requests.map((r) => r.continuation), ['|x', '|yy']);
});

test('partial scoring: one continuation after each context; acc_norm divides by the contexts\' lengths', async () => {
  const partial: PartialItem[] = [{ kind: 'partial', id: 'w', contexts: ['Its cup', 'Its bowl'], continuation: 'was big.', gold: 1 }];
  const { scorer, requests } = scripted({ ' was big.': -2 });
  // equal log-likelihoods: acc takes the first (0 ≠ gold); per character -2/7 < -2/8, so acc_norm takes 1
  const result = await scoreChoiceTask(scorer, partial, promptStyle(false));
  assert.deepEqual(requests, [{ context: 'Its cup', continuation: ' was big.' }, { context: 'Its bowl', continuation: ' was big.' }]);
  assert.deepEqual(result.items.map((i) => [i.acc, i.accNorm]), [[0, 1]]);
  assert.deepEqual(result.metrics.map((m) => m.stderr), [null, null], 'one item: no standard error');
});

test('generation: greedy answers, raw prompts stop at a blank line, best over references', async () => {
  const gen: GenerationItem[] = [
    { kind: 'generation', id: '1', prompt: 'Capital of France?', references: ['Paris'] },
    { kind: 'generation', id: '2', prompt: 'Two words', references: ['green tea', 'black tea'] },
  ];
  const { scorer, prompts } = scripted({}, { 'Capital of France?': ' paris.\n', 'Two words': 'black coffee' });
  const result = await scoreGenerationTask(scorer, gen, promptStyle(false), { maxNewTokens: 8 });
  assert.deepEqual(prompts.map((p) => p.options), [
    { maxNewTokens: 8, temperature: 0, stop: ['\n\n'] }, { maxNewTokens: 8, temperature: 0, stop: ['\n\n'] },
  ]);
  // item 1: exact 1, f1 1, rouge 1. item 2 vs "black tea": exact 0, f1 0.5 (1 of 2 each way), rouge 0.5
  assert.deepEqual(result.items.map((i) => [i.prediction, i.exactMatch, i.f1, i.rougeL]), [['paris.', 1, 1, 1], ['black coffee', 0, 0.5, 0.5]]);
  assert.deepEqual(result.metrics.map((m) => [m.metric, m.value, m.n]), [['exact_match', 0.5, 2], ['f1', 0.75, 2], ['rouge_l', 0.75, 2]]);
  const wrapped = scripted({}, {});
  await scoreGenerationTask(wrapped.scorer, gen.slice(0, 1), promptStyle(true), { maxNewTokens: 4 });
  assert.deepEqual(wrapped.prompts, [{ prompt: alpacaPrompt({ instruction: 'Capital of France?', input: '' }), options: { maxNewTokens: 4, temperature: 0 } }]);
});

test('held-out loss: token-weighted over rows, the end token appended; rows too long for the window are counted', async () => {
  const row = (id: string, response: string) => ({ id, instruction: 'Do it', input: '', response, instruction_source: 'alpaca' });
  // each scored row: 2 tokens; logprobs -3 and -5 → loss (3 + 5) / 4 = 2; the third has no score: too long
  const { scorer, requests } = scripted({ 'one<E>': -3, 'two<E>': -5 });
  const split = { snapshot: 1, permille: 10, from: 'corpus' as const };
  const result = await scoreHeldout(scorer, [row('a', ' one '), row('b', 'two'), row('c', 'three')], '<E>', split);
  assert.equal(requests[0]?.context, alpacaPrompt({ instruction: 'Do it', input: '' }));
  assert.deepEqual({ rows: result.rows, tokens: result.tokens, skipped: result.skipped }, { rows: 2, tokens: 4, skipped: 1 });
  assert.deepEqual(result.metrics, [
    { metric: 'loss', value: 2, stderr: null, n: 2 },
    { metric: 'perplexity', value: Math.exp(2), stderr: null, n: 2 },
  ]);
});
