import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { backoffDelay, retriesOf, retry, type RetryPolicy } from '../../../common/retry.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

const POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 10_000, maxElapsedMs: 60_000 };
const transient = (extra: Record<string, unknown> = {}): LaminiError =>
  new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 503', { retriable: true, details: { status: 503, ...extra } });

test('retries retriable errors with growing, jittered waits and then succeeds', async () => {
  const clock = new FakeClock();
  let calls = 0;
  const out = await retry(async () => {
    calls++;
    if (calls < 4) throw transient();
    return 'ok';
  }, POLICY, { now: clock.now, sleep: clock.sleep, random: () => 0.5 });
  assert.equal(out, 'ok');
  assert.equal(calls, 4);
  assert.deepEqual(clock.sleeps, [50, 100, 200], 'full jitter under a doubling ceiling (random 0.5)');
});

test('a non-retriable LaminiError and an unknown error are thrown at once', async () => {
  const clock = new FakeClock();
  let calls = 0;
  await assert.rejects(retry(async () => {
    calls++;
    throw new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 400', { retriable: false });
  }, POLICY, { now: clock.now, sleep: clock.sleep }), (e: unknown) => e instanceof LaminiError && retriesOf(e) === 0);
  assert.equal(calls, 1);
  await assert.rejects(retry(async () => {
    calls++;
    throw new TypeError('bug');
  }, POLICY, { now: clock.now, sleep: clock.sleep }), TypeError);
  assert.equal(calls, 2);
  assert.deepEqual(clock.sleeps, []);
});

test('gives up after maxRetries and says how many retries it made', async () => {
  const clock = new FakeClock();
  let calls = 0;
  await assert.rejects(retry(async () => {
    calls++;
    throw transient();
  }, { ...POLICY, maxRetries: 3 }, { now: clock.now, sleep: clock.sleep, random: () => 0 }), (e: unknown) => retriesOf(e) === 3);
  assert.equal(calls, 4);
});

test('honours retryAfterMs (plus a little jitter), capped by maxDelayMs', async () => {
  const clock = new FakeClock();
  let calls = 0;
  await retry(async () => {
    if (calls++ === 0) throw transient({ retryAfterMs: 2_000 });
    return 1;
  }, POLICY, { now: clock.now, sleep: clock.sleep, random: () => 0 });
  assert.deepEqual(clock.sleeps, [2_000]);
  assert.equal(backoffDelay(POLICY, 0, 99_000, () => 0), 10_000);
});

test('stops when the next wait would pass the time cap', async () => {
  const clock = new FakeClock();
  let calls = 0;
  await assert.rejects(retry(async () => {
    calls++;
    throw transient({ retryAfterMs: 4_000 });
  }, { ...POLICY, maxElapsedMs: 10_000 }, { now: clock.now, sleep: clock.sleep, random: () => 0 }), (e: unknown) => retriesOf(e) === 2);
  assert.equal(calls, 3, '0 s, 4 s, 8 s; a wait to 12 s passes the 10 s cap');
});

test('an aborted signal ends the loop', async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  let calls = 0;
  await assert.rejects(retry(async () => {
    calls++;
    ac.abort();
    throw transient();
  }, POLICY, { now: clock.now, sleep: clock.sleep, signal: ac.signal }));
  assert.equal(calls, 1);
});
