import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topOf } from '../../../serve/gpt2-scorer.ts';
import { logprobsBody } from '../../../serve/logprobs.ts';
import type { Tokenizer } from '../../../trainers/tokenizer/index.ts';

/** Token i is the i-th text; two ids share the text "?" as partial UTF-8 bytes would. */
const TEXTS = ['He', 'llo', ' wor', 'ld', '?', '?', 'é'];
const tokenizer: Tokenizer = {
  vocabSize: TEXTS.length,
  eosId: 0,
  encode: () => [],
  decode: (ids) => ids.map((id) => TEXTS[id] ?? '').join(''),
  toJson: () => '{}',
};

test('topOf keeps the k largest, largest first, lower id first on ties', () => {
  const row = Float32Array.from([-3, -1, -2, -1, -5]);
  assert.deepEqual(topOf(row, 3), [{ id: 1, logprob: -1 }, { id: 3, logprob: -1 }, { id: 2, logprob: -2 }]);
  assert.deepEqual(topOf(row, 0), []);
  assert.equal(topOf(row, 10).length, 5);
});

test('echoed prompt: the first token unscored, offsets the running sum, the chosen token always among the alternatives', () => {
  const body = logprobsBody(tokenizer, [
    { id: 0, score: undefined },
    { id: 1, score: { id: 1, logprob: -2, top: [{ id: 3, logprob: -0.5 }] } },
    { id: 2, score: { id: 2, logprob: -0.25, top: [{ id: 2, logprob: -0.25 }] } },
  ], 0);
  assert.deepEqual(body, {
    tokens: ['He', 'llo', ' wor'],
    token_logprobs: [null, -2, -0.25],
    top_logprobs: [null, { ld: -0.5, llo: -2 }, { ' wor': -0.25 }],
    text_offset: [0, 2, 5],
  });
});

test('the harness\'s is_greedy reads the chosen value against the largest alternative; same-text ids keep the larger', () => {
  const body = logprobsBody(tokenizer, [
    { id: 4, score: { id: 4, logprob: -3, top: [{ id: 5, logprob: -1 }] } },
    { id: 6, score: { id: 6, logprob: -0.1, top: [{ id: 6, logprob: -0.1 }, { id: 3, logprob: -4 }] } },
  ], 7);
  assert.deepEqual(body.top_logprobs[0], { '?': -1 });
  const greedy = body.token_logprobs.map((lp, i) => lp === Math.max(...Object.values(body.top_logprobs[i] ?? {})));
  assert.deepEqual(greedy, [false, true]);
  assert.deepEqual(body.text_offset, [7, 8]);
});
