import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { OpenAITeacher } from '../../../teacher/openai-teacher.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

const req: ChatRequest = { messages: [{ role: 'user', content: 'Say hi.' }], maxTokens: 20, temperature: 0, taskNumber: 1 };

test('the scripted teacher enforces RPM with a 429 and Retry-After, and sends x-ratelimit headers the client reads', async (t) => {
  const clock = new FakeClock();
  const server = await startScriptedTeacher({ limits: { rpm: 2, tpm: 1_000, now: clock.now } });
  t.after(() => server.close());
  const client = new OpenAITeacher({ baseURL: server.baseURL, apiKey: '', model: server.model, timeoutMs: 5_000, maxRetries: 0, prices: {} });
  const first = await client.chat(req);
  assert.equal(first.rateLimit?.limitRequests, 2);
  assert.equal(first.rateLimit?.remainingRequests, 1);
  assert.equal(first.rateLimit?.limitTokens, 1_000);
  assert.ok((first.rateLimit?.remainingTokens ?? 0) > 1_000 - 30, 'the unused completion tokens were refunded');
  await client.chat(req);
  await assert.rejects(client.chat(req), (e: unknown) => {
    assert.ok(e instanceof LaminiError && e.code === ErrorCodes.TEACHER_RATE_LIMITED && e.retriable);
    assert.equal(e.details['retryAfterMs'], 30_000, 'one request refills in 30 s at 2 RPM');
    assert.equal((e.details['rateLimit'] as { remainingRequests?: number }).remainingRequests, 0);
    return true;
  });
  assert.equal(server.rateLimited, 1);
  clock.advance(30_000);
  await client.chat(req);
});

test('the scripted teacher enforces TPM on prompt + max_tokens', async (t) => {
  const clock = new FakeClock();
  const server = await startScriptedTeacher({ limits: { tpm: 100, now: clock.now } });
  t.after(() => server.close());
  const client = new OpenAITeacher({ baseURL: server.baseURL, apiKey: '', model: server.model, timeoutMs: 5_000, maxRetries: 0, prices: {} });
  const first = await client.chat({ ...req, maxTokens: 90 }); // charged 2 + 90, refunded what the reply did not use
  assert.equal(first.rateLimit?.remainingTokens, 100 - first.promptTokens - 90, 'the header shows the charge before the refund');
  await assert.rejects(client.chat({ ...req, maxTokens: 90 }), (e: unknown) => e instanceof LaminiError && e.code === ErrorCodes.TEACHER_RATE_LIMITED);
  await client.chat({ ...req, maxTokens: 10 });
});
