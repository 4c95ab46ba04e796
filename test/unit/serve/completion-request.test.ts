import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompletionRequest } from '../../../serve/completion-request.ts';

test('the four prompt forms: a string, strings, token ids, lists of token ids', () => {
  const forms: Array<[unknown, unknown]> = [
    ['hi', [{ kind: 'text', text: 'hi' }]],
    [['a', 'b'], [{ kind: 'text', text: 'a' }, { kind: 'text', text: 'b' }]],
    [[1, 2, 3], [{ kind: 'ids', ids: [1, 2, 3] }]],
    [[[1, 2], [3]], [{ kind: 'ids', ids: [1, 2] }, { kind: 'ids', ids: [3] }]],
  ];
  for (const [prompt, want] of forms) {
    const parsed = parseCompletionRequest({ prompt });
    assert.ok(parsed.ok, JSON.stringify(prompt));
    assert.deepEqual(parsed.request.prompts, want);
  }
});

test('what lm-evaluation-harness sends for a loglikelihood request parses to its fields', () => {
  const parsed = parseCompletionRequest({ model: 'm', prompt: [[5, 6, 7]], temperature: 0, max_tokens: 1, logprobs: 1, seed: 1234, echo: true });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.request, {
    model: 'm', prompts: [{ kind: 'ids', ids: [5, 6, 7] }], maxTokens: 1, temperature: 0, topP: 1, stop: [], logprobs: 1, echo: true, seed: 1234, stream: false,
  });
});

test('OpenAI defaults: 16 tokens, temperature 1, no logprobs; null fields are absent', () => {
  const parsed = parseCompletionRequest({ prompt: 'x', logprobs: null, stop: null, n: 1, best_of: null });
  assert.ok(parsed.ok);
  assert.equal(parsed.request.maxTokens, 16);
  assert.equal(parsed.request.temperature, 1);
  assert.equal(parsed.request.logprobs, undefined);
  assert.deepEqual(parsed.request.stop, []);
});

test('every problem is reported with its path', () => {
  const parsed = parseCompletionRequest({
    prompt: ['ok', 3, []], max_tokens: -1, temperature: 3, top_p: 0, logprobs: 21, echo: 'yes', n: 2, suffix: 'x', stop: [1], stream: true,
  });
  assert.ok(!parsed.ok);
  assert.deepEqual(parsed.issues, [
    'prompt[1]: expected a string or a non-empty list of token ids',
    'prompt[2]: expected a string or a non-empty list of token ids',
    'max_tokens: expected an integer >= 0',
    'temperature: expected a number in [0, 2]',
    'top_p: expected a number in (0, 1]',
    'stop: expected a string or an array of at most 4 strings',
    'logprobs: expected an integer in [0, 20]',
    'echo: expected a boolean',
    'n: only 1 is supported',
    'suffix: not supported',
  ]);
  const missing = parseCompletionRequest({});
  assert.ok(!missing.ok);
  assert.deepEqual(missing.issues, ['prompt: expected a string, a list of strings, or token ids']);
  const streamed = parseCompletionRequest({ prompt: 'x', stream: true, logprobs: 1 });
  assert.ok(!streamed.ok);
  assert.deepEqual(streamed.issues, ['logprobs: not supported with stream']);
  assert.deepEqual(parseCompletionRequest([1]), { ok: false, issues: ['body: expected a JSON object'] });
});
