import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { CachedTeacher, requestHash, teacherCacheDir } from '../../../teacher/cache.ts';
import { TeacherChain } from '../../../teacher/chain.ts';
import type { ChatReply, ChatRequest, Teacher } from '../../../teacher/types.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-cache-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const req = (taskNumber: number, content = 'What is 2+2?'): ChatRequest => ({
  messages: [{ role: 'user', content }], maxTokens: 64, temperature: 0.7, taskNumber,
});

/** Answers with a per-call text; `faults` makes the first calls fail with a retriable 500. */
class Paid implements Teacher {
  readonly model = 'gpt-test';
  readonly structuredOutput = false;
  calls = 0;
  faults = 0;
  async chat(request: ChatRequest): Promise<ChatReply> {
    this.calls++;
    if (this.faults > 0) {
      this.faults--;
      throw new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 500', { retriable: true, details: { status: 500 } });
    }
    return { text: `answer ${this.calls} to task ${request.taskNumber}`, model: this.model, promptTokens: 10, completionTokens: 5, costUsd: 0.002, finishReason: 'stop' };
  }
  async close(): Promise<void> {}
}

test('request hash: task number, base URL, model and every parameter are part of the key', () => {
  const base = requestHash('http://a/v1', 'm', req(1));
  assert.equal(requestHash('http://a/v1', 'm', req(1)), base);
  assert.notEqual(requestHash('http://a/v1', 'm', req(2)), base, 'a resample (another task) is another key');
  assert.notEqual(requestHash('http://b/v1', 'm', req(1)), base);
  assert.notEqual(requestHash('http://a/v1', 'm2', req(1)), base);
  assert.notEqual(requestHash('http://a/v1', 'm', { ...req(1), temperature: 0.2 }), base);
  assert.notEqual(requestHash('http://a/v1', 'm', { ...req(1), seed: 7 }), base);
  assert.notEqual(requestHash('http://a/v1', 'm', req(1, 'What is 2+3?')), base);
});

test('a second run over the same tasks pays nothing: hits are counted with the money saved', async (t) => {
  const dir = teacherCacheDir(await tempDir(t));
  const inner = new Paid();
  const first = new CachedTeacher(inner, { dir, baseURL: 'http://a/v1' });
  const a = await first.chat(req(1));
  assert.equal(a.cached, undefined);
  assert.equal(inner.calls, 1);
  // A new process (a replay after a crash) with a new CachedTeacher over the same folder.
  const second = new CachedTeacher(inner, { dir, baseURL: 'http://a/v1' });
  const b = await second.chat(req(1));
  assert.equal(inner.calls, 1, 'not asked again');
  assert.equal(b.text, a.text);
  assert.equal(b.cached, true);
  assert.equal(b.costUsd, 0);
  assert.equal(b.savedUsd, 0.002);
  assert.deepEqual(second.counters, { hits: 1, misses: 0, savedUsd: 0.002 });
  await second.chat(req(2));
  assert.equal(inner.calls, 2, 'another task number is a new call');
});

test('failures are not cached; a damaged entry is a miss; no temp files are left', async (t) => {
  const dir = teacherCacheDir(await tempDir(t));
  const inner = new Paid();
  inner.faults = 1;
  const cached = new CachedTeacher(inner, { dir, baseURL: 'u' });
  await assert.rejects(cached.chat(req(1)));
  await cached.chat(req(1));
  assert.equal(inner.calls, 2);
  const hash = requestHash('u', 'gpt-test', req(1));
  const sub = join(dir, hash.slice(0, 2));
  assert.deepEqual(await readdir(sub), [`${hash}.json`]);
  await writeFile(join(sub, `${hash}.json`), '{"version": 1, "hash": "x", "rep');
  await cached.chat(req(1));
  assert.equal(inner.calls, 3, 'a damaged entry is asked again, and rewritten');
  await cached.chat(req(1));
  assert.equal(inner.calls, 3);
});

test('chain: ledger entries for paid, retried, cached and failed calls', async (t) => {
  const dataDir = await tempDir(t);
  const clock = new FakeClock();
  const inner = new Paid();
  const chain = new TeacherChain(inner, {
    baseURL: 'http://a/v1', budget: { concurrency: 2, rpm: 0, tpm: 0 }, cacheDir: teacherCacheDir(dataDir),
    retry: { maxRetries: 2, baseDelayMs: 100 }, hooks: { now: clock.now, sleep: clock.sleep, random: () => 0 },
  });
  inner.faults = 2;
  await chain.chat(req(1)); // two 500s, then paid
  await chain.chat(req(1)); // cached
  inner.faults = 3;
  await assert.rejects(chain.chat(req(2)), (e: unknown) => e instanceof LaminiError && e.code === ErrorCodes.TEACHER_HTTP);
  const rows = chain.ledger.drain();
  assert.deepEqual(rows.map((r) => [r.task_number, r.status, r.retries, r.cached, r.cost_usd, r.saved_usd]), [
    [1, 'ok', 2, false, 0.002, 0],
    [1, 'cached', 0, true, 0, 0.002],
    [2, 'TEACHER_HTTP', 2, false, 0, 0],
  ]);
  assert.equal(rows[0]!.request_hash, rows[1]!.request_hash);
  assert.match(rows[2]!.error, /HTTP 500/);
  assert.deepEqual(
    { ...chain.ledger.totals },
    { requests: 3, failed: 1, cacheHits: 1, promptTokens: 20, completionTokens: 10, spentUsd: 0.002, savedUsd: 0.002, retries: 4 },
  );
  assert.equal(chain.ledger.pending, 0);
  assert.deepEqual(chain.cacheCounters, { hits: 1, misses: 2, savedUsd: 0.002 });
});
