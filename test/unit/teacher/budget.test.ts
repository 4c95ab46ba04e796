import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { BudgetedTeacher, estimateTokens } from '../../../teacher/budget.ts';
import { parseResetDuration, rateLimitFromHeaders } from '../../../teacher/rate-limit.ts';
import { TokenBucket } from '../../../teacher/token-bucket.ts';
import type { ChatReply, ChatRequest, RateLimitInfo, Teacher } from '../../../teacher/types.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

const req = (maxTokens = 100, text = 'x'.repeat(400)): ChatRequest => ({
  messages: [{ role: 'user', content: text }], maxTokens, temperature: 0, taskNumber: 1,
});

class Inner implements Teacher {
  readonly model = 'm';
  readonly structuredOutput = false;
  calls: number[] = [];
  usage = { promptTokens: 100, completionTokens: 20 };
  rateLimit: RateLimitInfo | undefined;
  fail: LaminiError | undefined;
  gate: Promise<void> | undefined;
  #clock: FakeClock;
  constructor(clock: FakeClock) {
    this.#clock = clock;
  }
  async chat(): Promise<ChatReply> {
    this.calls.push(this.#clock.now());
    if (this.gate !== undefined) await this.gate;
    if (this.fail !== undefined) throw this.fail;
    return {
      text: 'ok', model: 'm', costUsd: 0, finishReason: 'stop', ...this.usage,
      ...(this.rateLimit === undefined ? {} : { rateLimit: this.rateLimit }),
    };
  }
  async close(): Promise<void> {}
}

test('token bucket: refills continuously up to a minute of capacity; waits are computed, not slept', () => {
  const clock = new FakeClock();
  const b = new TokenBucket(60, clock.now); // one a second
  assert.equal(b.waitMs(1), 0);
  b.take(60);
  assert.equal(b.waitMs(1), 1000);
  clock.advance(500);
  assert.equal(b.waitMs(1), 500);
  clock.advance(120_000);
  assert.equal(b.level, 60, 'never above capacity');
  b.take(100); // larger than the capacity: allowed from a full bucket, leaves it negative
  assert.equal(b.level, -40);
  assert.equal(b.waitMs(1), 41_000);
  b.refund(1000);
  assert.equal(b.level, 60);
  b.clampTo(10);
  assert.equal(b.level, 10);
  b.clampTo(50);
  assert.equal(b.level, 10, 'clamp never raises');
  const free = new TokenBucket(0, clock.now);
  free.take(1e9);
  assert.equal(free.waitMs(1e9), 0);
});

test('rpm budget: the 4th request at 3 RPM waits 20 s of fake time', async () => {
  const clock = new FakeClock();
  const inner = new Inner(clock);
  const t = new BudgetedTeacher(inner, { concurrency: 0, rpm: 3, tpm: 0 }, { now: clock.now, sleep: clock.sleep });
  const start = clock.now();
  for (let i = 0; i < 4; i++) await t.chat(req());
  assert.deepEqual(inner.calls.map((c) => c - start), [0, 0, 0, 20_000]);
});

test('tpm budget: charges prompt estimate + max_tokens up front and refunds the unused part', async () => {
  const clock = new FakeClock();
  const inner = new Inner(clock);
  const t = new BudgetedTeacher(inner, { concurrency: 0, rpm: 0, tpm: 1000 }, { now: clock.now, sleep: clock.sleep });
  const r = req(300);
  assert.equal(estimateTokens(r), 100 + 4 + 300);
  await t.chat(r);
  assert.equal(t.tokens.level, 1000 - 120, 'refunded to the reply usage (120)');
  inner.usage = { promptTokens: 0, completionTokens: 0 };
  await t.chat(r);
  assert.equal(t.tokens.level, 880 - 404, 'no usage in the reply: the charge stands');
  await t.chat(r); // 476 left: 404 fits
  const before = clock.now();
  await t.chat(r); // 72 left: waits for 332 tokens at 1000/min
  assert.equal(clock.now() - before, Math.ceil(332 / (1000 / 60_000)));
});

test('concurrency: no more than N calls in flight', async () => {
  const clock = new FakeClock();
  const inner = new Inner(clock);
  let open!: () => void;
  inner.gate = new Promise((r) => (open = r));
  const t = new BudgetedTeacher(inner, { concurrency: 2, rpm: 0, tpm: 0 }, { now: clock.now, sleep: clock.sleep });
  const calls = [t.chat(req()), t.chat(req()), t.chat(req())];
  await new Promise((r) => setImmediate(r));
  assert.equal(inner.calls.length, 2);
  open();
  await Promise.all(calls);
  assert.equal(inner.calls.length, 3);
  assert.equal(t.inFlight, 0);
});

test('x-ratelimit headers: the server limit is adopted (never above config) and its remaining lowers the bucket', async () => {
  const clock = new FakeClock();
  const inner = new Inner(clock);
  const t = new BudgetedTeacher(inner, { concurrency: 0, rpm: 0, tpm: 0 }, { now: clock.now, sleep: clock.sleep });
  inner.rateLimit = { limitRequests: 600, remainingRequests: 5, limitTokens: 150_000, remainingTokens: 1_000 };
  await t.chat(req());
  assert.equal(t.requests.perMinute, 600);
  assert.equal(t.tokens.perMinute, 150_000);
  assert.equal(t.requests.level, 5);
  assert.equal(t.tokens.level, 1_000 + estimateTokens(req()) - 120, 'the server\'s remaining, then the refund of what the reply did not use');
  const capped = new BudgetedTeacher(inner, { concurrency: 0, rpm: 100, tpm: 0 }, { now: clock.now, sleep: clock.sleep });
  await capped.chat(req());
  assert.equal(capped.requests.perMinute, 100, 'a configured budget below the server limit stays');
});

test('a 429 empties the request bucket and pauses for Retry-After', async () => {
  const clock = new FakeClock();
  const inner = new Inner(clock);
  const t = new BudgetedTeacher(inner, { concurrency: 0, rpm: 600, tpm: 0 }, { now: clock.now, sleep: clock.sleep });
  inner.fail = new LaminiError(ErrorCodes.TEACHER_RATE_LIMITED, '429', { retriable: true, details: { retryAfterMs: 3_000 } });
  await assert.rejects(t.chat(req()));
  inner.fail = undefined;
  const before = clock.now();
  await t.chat(req());
  assert.ok(clock.now() - before >= 3_000);
});

test('rate-limit headers parse as OpenAI writes them', () => {
  assert.equal(parseResetDuration('6m0s'), 360_000);
  assert.equal(parseResetDuration('20ms'), 20);
  assert.equal(parseResetDuration('1.5s'), 1_500);
  assert.equal(parseResetDuration('2'), 2_000);
  assert.equal(parseResetDuration('soon'), undefined);
  const h = new Headers({ 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599', 'x-ratelimit-reset-requests': '100ms', 'x-ratelimit-remaining-tokens': '149000' });
  assert.deepEqual(rateLimitFromHeaders(h), { limitRequests: 600, remainingRequests: 599, resetRequestsMs: 100, remainingTokens: 149_000 });
  assert.equal(rateLimitFromHeaders(new Headers()), undefined);
});
