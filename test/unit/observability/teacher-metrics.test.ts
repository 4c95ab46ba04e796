/**
 * Teacher metrics: each call lands in the latency histogram and the counters of its model (status, retries,
 * cache hits, spend, tokens), and every 429 the chain's budget saw is counted, the retried ones included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { Metrics } from '../../../observability/metrics.ts';
import { TeacherChain } from '../../../teacher/chain.ts';
import type { ChatReply, ChatRequest, Teacher } from '../../../teacher/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const request: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], maxTokens: 8, temperature: 0, taskNumber: 1 };

async function value(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

/** Replies as given, in turn: a reply's fields, or an error to throw. */
class Replies implements Teacher {
  readonly model = 'm1';
  readonly structuredOutput = false;
  readonly #steps: ReadonlyArray<Partial<ChatReply> | Error>;
  #i = 0;
  constructor(steps: ReadonlyArray<Partial<ChatReply> | Error>) {
    this.#steps = steps;
  }
  async chat(): Promise<ChatReply> {
    const step = this.#steps[this.#i++];
    if (step instanceof Error) throw step;
    return { text: 'ok', model: this.model, promptTokens: 10, completionTokens: 5, costUsd: 0.002, finishReason: 'stop', ...step };
  }
  async close(): Promise<void> {}
}

test('each call is observed by model and status: latency, retries, cache hits, spend and tokens', async () => {
  const metrics = new Metrics();
  const inner = new Replies([
    { retries: 2 },
    { cached: true, costUsd: 0 },
    new LaminiError(ErrorCodes.TEACHER_TIMEOUT, 'timed out', { details: { retries: 3 } }),
  ]);
  const teacher = metrics.teacher.wrap(inner);
  assert.equal(teacher.model, 'm1');
  await teacher.chat(request);
  await teacher.chat(request);
  await assert.rejects(teacher.chat(request), (e) => e instanceof LaminiError && e.code === ErrorCodes.TEACHER_TIMEOUT);
  const m = { model: 'm1' };
  assert.equal(await value(metrics, 'lamini_teacher_requests_total', { ...m, status: 'ok' }), 1);
  assert.equal(await value(metrics, 'lamini_teacher_requests_total', { ...m, status: 'cached' }), 1);
  assert.equal(await value(metrics, 'lamini_teacher_requests_total', { ...m, status: 'TEACHER_TIMEOUT' }), 1);
  assert.equal(await value(metrics, 'lamini_teacher_retries_total', m), 5);
  assert.equal(await value(metrics, 'lamini_teacher_cache_hits_total', m), 1);
  assert.equal(await value(metrics, 'lamini_teacher_cost_usd_total', m), 0.002);
  assert.equal(await value(metrics, 'lamini_teacher_tokens_total', { ...m, kind: 'prompt' }), 20);
  const histogram = await metrics.registry.getSingleMetricAsString('lamini_teacher_request_duration_seconds');
  assert.match(histogram, /lamini_teacher_request_duration_seconds_count\{model="m1",status="ok"\} 1/);
  assert.match(histogram, /le="\+Inf",model="m1",status="TEACHER_TIMEOUT"\} 1/);
});

test('a 429 the chain retried is counted, and the structured-output state passes through', async () => {
  const metrics = new Metrics();
  const limited = (): Error => new LaminiError(ErrorCodes.TEACHER_RATE_LIMITED, 'HTTP 429', { retriable: true, details: { status: 429, retryAfterMs: 0 } });
  let calls = 0;
  const double = new TeacherDouble(() => (++calls <= 2 ? limited() : 'fine'));
  const chain = new TeacherChain(double, {
    baseURL: 'test:', budget: { concurrency: 0, rpm: 0, tpm: 0 }, retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const teacher = metrics.teacher.wrap(chain);
  assert.equal(teacher.formats, chain.formats);
  const reply = await teacher.chat(request);
  assert.equal(reply.retries, 2);
  assert.equal(await value(metrics, 'lamini_teacher_rate_limited_total', { model: 'double-1' }), 2);
  assert.equal(await value(metrics, 'lamini_teacher_retries_total', { model: 'double-1' }), 2);
  assert.equal(await value(metrics, 'lamini_teacher_requests_total', { model: 'double-1', status: 'ok' }), 1);
});

test('both roles on one teacher get one wrapper; two teachers get two', () => {
  const metrics = new Metrics();
  const a = new TeacherDouble(() => 'a');
  const b = new TeacherDouble(() => 'b');
  const one = metrics.teacher.wrapRoles({ teacher: a, responseTeacher: a });
  assert.equal(one.teacher, one.responseTeacher);
  const two = metrics.teacher.wrapRoles({ teacher: a, responseTeacher: b });
  assert.notEqual(two.teacher, two.responseTeacher);
});
