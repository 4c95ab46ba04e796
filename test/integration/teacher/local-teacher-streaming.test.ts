/**
 * The local teacher with `"stream": true`, spoken to by the official OpenAI client's streaming API: it used to
 * ignore the flag and answer with a plain JSON body, so a streaming client received nothing. Skips (saying why)
 * only when the model cannot be fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { resolveTeacherGguf } from '../../../teacher/local/model-fetch.ts';
import { startLocalTeacher } from '../../../teacher/local/server.ts';
import { describeError } from '../../../common/errors.ts';

const MESSAGES = [
  { role: 'system' as const, content: 'Give a very concise answer.' },
  { role: 'user' as const, content: 'Name a primary colour.' },
];

test('local teacher streams chat completions as OpenAI chunks; refusals are 400 error bodies', { timeout: 300_000 }, async (t) => {
  let ggufPath: string;
  try {
    ggufPath = await resolveTeacherGguf();
  } catch (error) {
    t.skip(`local teacher model unavailable: ${describeError(error)}`);
    return;
  }
  const server = await startLocalTeacher({ ggufPath, contextSize: 512 });
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });

  const stream = await client.chat.completions.create({
    model: server.model, messages: MESSAGES, max_tokens: 24, temperature: 0, seed: 1, stream: true, stream_options: { include_usage: true },
  });
  const roles: string[] = [];
  const finishes: string[] = [];
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined;
  let chunks = 0;
  let contentChunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, server.model);
    for (const choice of chunk.choices) {
      if (choice.delta.role !== undefined) roles.push(choice.delta.role);
      text += choice.delta.content ?? '';
      if ((choice.delta.content ?? '') !== '') contentChunks += 1;
      if (choice.finish_reason !== null) finishes.push(choice.finish_reason);
    }
    if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
  }
  assert.ok(chunks >= 3, `role, content and finish chunks at least, got ${chunks}`);
  assert.ok(contentChunks >= 2, `the text arrives in pieces as it is written, got ${contentChunks} content chunks`);
  assert.deepEqual(roles, ['assistant']);
  assert.equal(finishes.length, 1);
  assert.ok(finishes[0] === 'stop' || finishes[0] === 'length');
  assert.ok(text.trim().length > 0);
  assert.ok(usage !== undefined && usage.completion_tokens > 0 && usage.completion_tokens <= 24 && usage.prompt_tokens > 5);

  // The same request without streaming gives the same text: streaming changes the framing, not the reply.
  const plain = await client.chat.completions.create({ model: server.model, messages: MESSAGES, max_tokens: 24, temperature: 0, seed: 1 });
  assert.equal(plain.choices[0]?.message.content, text);

  // On the wire: an event stream that ends with `data: [DONE]`, every other event JSON.
  const raw = await fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: server.model, messages: MESSAGES, max_tokens: 2, temperature: 0, stream: true }),
  });
  assert.equal(raw.status, 200);
  assert.match(raw.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = (await raw.text()).split('\n\n').filter((e) => e !== '');
  assert.equal(events.at(-1), 'data: [DONE]');
  for (const e of events.slice(0, -1)) assert.doesNotThrow(() => JSON.parse(e.replace(/^data: /, '')) as unknown, e);

  // Refused before the head: a 400 with OpenAI's error body, which the client raises for a stream too.
  const refused = await client.chat.completions
    .create({ model: server.model, messages: MESSAGES, stream: true, response_format: { type: 'json_object' } })
    .then(() => undefined, (error: unknown) => error);
  assert.ok(refused instanceof OpenAI.BadRequestError, String(refused));
  assert.match(refused.message, /json_object is not supported/);
  const tooLong = await client.chat.completions
    .create({ model: server.model, messages: [{ role: 'user', content: 'word '.repeat(800) }], stream: true })
    .then(() => undefined, (error: unknown) => error);
  assert.ok(tooLong instanceof OpenAI.BadRequestError, String(tooLong));
  assert.equal(tooLong.code, 'context_length_exceeded');
  const badFlag = await fetch(`${server.baseURL}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: MESSAGES, stream: 'yes' }),
  });
  assert.equal(badFlag.status, 400);
  assert.match(JSON.stringify(await badFlag.json()), /stream: expected a boolean/);
});
