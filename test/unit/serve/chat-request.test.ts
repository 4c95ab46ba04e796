import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatPrompt, parseStudentChatRequest } from '../../../serve/chat-request.ts';
import { alpacaPrompt } from '../../../trainers/prompt.ts';

test('one user message is the instruction; system messages are not shown to the student', () => {
  assert.equal(chatPrompt([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Name a colour.' }]), alpacaPrompt({ instruction: 'Name a colour.', input: '' }));
});

test('earlier turns go in the input section', () => {
  const prompt = chatPrompt([
    { role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'Blue.' }, { role: 'user', content: 'Another?' },
  ]);
  assert.equal(prompt, alpacaPrompt({ instruction: 'Another?', input: 'User: Name a colour.\nAssistant: Blue.' }));
});

test('the teacher parser\'s fields plus top_p; streaming flags carried', () => {
  const parsed = parseStudentChatRequest({
    model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, temperature: 0, top_p: 0.9, seed: 2, stop: 'END', stream: true,
    stream_options: { include_usage: true }, n: 1, logprobs: false, response_format: { type: 'text' },
  });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.request, {
    model: 'm', prompt: alpacaPrompt({ instruction: 'x', input: '' }), maxTokens: 5, temperature: 0, topP: 0.9, seed: 2, stop: ['END'],
    stream: true, includeUsage: true,
  });
});

test('what a student cannot do is a reported issue', () => {
  const parsed = parseStudentChatRequest({
    messages: [{ role: 'user', content: 'x' }], n: 3, logprobs: true, response_format: { type: 'json_schema', json_schema: { schema: {} } }, top_p: 2, temperature: -1,
  });
  assert.ok(!parsed.ok);
  assert.deepEqual(parsed.issues, [
    'top_p: expected a number in (0, 1]',
    'n: only 1 is supported',
    'logprobs: not supported on chat completions (use /v1/completions with logprobs)',
    'response_format: a student answers in text only',
    'temperature: expected a number in [0, 2]',
  ]);
  const noUser = parseStudentChatRequest({ messages: [{ role: 'system', content: 'x' }] });
  assert.ok(!noUser.ok);
  assert.deepEqual(noUser.issues, ['messages: expected at least one user message']);
});
