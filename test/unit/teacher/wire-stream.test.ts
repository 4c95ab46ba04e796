import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkBody, newChunkStream, parseChatRequest, usageChunkBody } from '../../../teacher/local/wire.ts';

const MESSAGES = [{ role: 'user', content: 'u' }];

test('stream and stream_options parse only when asked for; a plain request has neither field', () => {
  const plain = parseChatRequest({ messages: MESSAGES });
  assert.ok(plain.ok);
  assert.equal('stream' in plain.request, false);
  assert.equal('includeUsage' in plain.request, false);
  const streamed = parseChatRequest({ messages: MESSAGES, stream: true, stream_options: { include_usage: true } });
  assert.ok(streamed.ok);
  assert.equal(streamed.request.stream, true);
  assert.equal(streamed.request.includeUsage, true);
  const off = parseChatRequest({ messages: MESSAGES, stream: false, stream_options: null });
  assert.ok(off.ok);
  assert.equal('stream' in off.request, false);
});

test('malformed stream fields are reported with their paths', () => {
  const bad = parseChatRequest({ messages: MESSAGES, stream: 'yes', stream_options: { include_usage: 1 } });
  assert.equal(bad.ok, false);
  assert.ok(!bad.ok);
  assert.deepEqual(bad.issues, ['stream: expected a boolean', 'stream_options.include_usage: expected a boolean']);
  const notObject = parseChatRequest({ messages: MESSAGES, stream: true, stream_options: [] });
  assert.ok(!notObject.ok);
  assert.deepEqual(notObject.issues, ['stream_options: expected an object']);
});

test('chunks of one reply share id, created and model; usage adds up', () => {
  const s = newChunkStream('m');
  const first = chunkBody(s, { role: 'assistant', content: '' }, null);
  const last = chunkBody(s, {}, 'stop');
  assert.equal(first['id'], last['id']);
  assert.equal(first['object'], 'chat.completion.chunk');
  assert.deepEqual(last['choices'], [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  assert.notEqual(newChunkStream('m').id, s.id);
  assert.deepEqual(usageChunkBody(s, 7, 5)['usage'], { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
});
