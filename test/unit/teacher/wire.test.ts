import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChatRequest, completionBody } from '../../../teacher/local/wire.ts';
import { toBody } from '../../../teacher/openai-teacher.ts';

test('parses what our client sends (toBody) back into the same fields', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
  const body = toBody('m', {
    messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }],
    maxTokens: 12,
    temperature: 0.5,
    seed: 3,
    stop: ['x'],
    jsonSchema: { name: 'n', schema },
    taskNumber: 0,
  });
  const parsed = parseChatRequest(JSON.parse(JSON.stringify(body)));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.request, {
    model: 'm',
    messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }],
    maxTokens: 12,
    temperature: 0.5,
    seed: 3,
    stop: ['x'],
    jsonSchema: { name: 'n', schema },
    jsonObject: false,
  });
});

test('json_object travels as response_format {type: json_object}, the schema left to the prompt', () => {
  const schema = { type: 'object' };
  const body = toBody('m', {
    messages: [{ role: 'user', content: 'u' }], maxTokens: 5, temperature: 0, jsonSchema: { name: 'n', schema }, responseFormat: 'json_object', taskNumber: 0,
  });
  assert.deepEqual(body.response_format, { type: 'json_object' });
  const parsed = parseChatRequest(JSON.parse(JSON.stringify(body)));
  assert.ok(parsed.ok);
  assert.equal(parsed.request.jsonObject, true);
  assert.equal(parsed.request.jsonSchema, undefined);
});

test('reports every issue with its path', () => {
  const parsed = parseChatRequest({ messages: [{ role: 'robot', content: 'x' }, { role: 'user' }], temperature: 'hot', stop: 5, response_format: { type: 'xml' } });
  assert.ok(!parsed.ok);
  assert.deepEqual(parsed.issues, [
    'messages[0].role: expected system, user or assistant',
    'messages[1].content: expected a string',
    'temperature: expected a number',
    'stop: expected a string or an array of strings',
    'response_format.type: xml is not supported (text, json_schema, json_object)',
  ]);
  assert.deepEqual(parseChatRequest([]), { ok: false, issues: ['body: expected a JSON object'] });
});

test('accepts content parts and max_completion_tokens; builds an OpenAI-shaped reply', () => {
  const parsed = parseChatRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }], max_completion_tokens: 7 });
  assert.ok(parsed.ok);
  assert.equal(parsed.request.messages[0]?.content, 'ab');
  assert.equal(parsed.request.maxTokens, 7);
  const reply = completionBody({ model: 'm', text: 't', finishReason: 'length', promptTokens: 2, completionTokens: 3 }) as any;
  assert.equal(reply.object, 'chat.completion');
  assert.equal(reply.choices[0].message.content, 't');
  assert.deepEqual(reply.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
});
