/**
 * `lamini serve` with an encoder-decoder (T5) student, the tiny Hugging Face fixture: chat and plain completions
 * work through the OpenAI client; logprobs, which need a decoder-only student, are a clear 400.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { chatPrompt, servedStudent, startStudentServer } from '../../../serve/index.ts';
import { openStudent } from '../../../trainers/student-model/index.ts';

const T5_TINY = fileURLToPath(new URL('../../fixtures/t5-tiny', import.meta.url));

test('a T5 student: chat and completions served, logprobs refused with the reason', async (t) => {
  const model = await openStudent(T5_TINY, { backend: 'tensorflow' });
  const server = await startStudentServer({ student: servedStudent(model) });
  t.after(async () => {
    await server.close();
    model.dispose();
  });
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
  assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['t5-tiny']);

  const messages = [{ role: 'user' as const, content: 'Name a colour.' }];
  const want = await model.generate(chatPrompt(messages), { maxNewTokens: 6 });
  const chat = await client.chat.completions.create({ model: 't5-tiny', messages, max_tokens: 6, temperature: 0 });
  assert.equal(chat.choices[0]?.message.content, want.text);

  const plain = await model.generate('translate: hello', { maxNewTokens: 5 });
  const completion = await client.completions.create({ model: 't5-tiny', prompt: 'translate: hello', max_tokens: 5, temperature: 0 });
  assert.equal(completion.choices[0]?.text, plain.text);

  const refused = await client.completions.create({ model: 't5-tiny', prompt: 'x', max_tokens: 0, echo: true, logprobs: 1 }).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof OpenAI.BadRequestError, String(refused));
  assert.match(refused.message, /logprobs need a decoder-only student; t5-tiny is encoder-decoder/);
});
