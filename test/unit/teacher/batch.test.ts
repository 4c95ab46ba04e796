import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchTeacher, type BatchTeacherConfig } from '../../../teacher/batch.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const req = (k: number): ChatRequest => ({
  messages: [{ role: 'system', content: 'Answer very concisely.' }, { role: 'user', content: `What is ${k} + ${k}?` }],
  maxTokens: 64, temperature: 0.7, taskNumber: k,
});

/** The state file goes once the results are delivered (just after the replies resolve). */
async function forgotten(dir: string): Promise<string[]> {
  for (let i = 0; i < 100 && (await readdir(dir)).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return readdir(dir);
}

async function setup(t: { after(fn: () => Promise<void>): void }, holdBatches: boolean) {
  const server = await startScriptedTeacher({ model: 'gpt-4o-mini', holdBatches });
  const dir = await mkdtemp(join(tmpdir(), 'lamini-batch-test-'));
  t.after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const config: BatchTeacherConfig = {
    baseURL: server.baseURL, apiKey: '', model: 'gpt-4o-mini', stateDir: dir, maxBatchSize: 3, flushAfterMs: 20, pollMs: 10,
    prices: { 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
  };
  return { server, dir, config };
}

test('batch mode: calls go out as one JSONL batch, results map back by custom_id, at half price', async (t) => {
  const { server, dir, config } = await setup(t, false);
  const teacher = new BatchTeacher(config);
  const replies = await Promise.all([1, 2, 3].map((k) => teacher.chat(req(k))));
  assert.equal(server.batchesCreated, 1);
  assert.equal(server.count, 0, 'no online chat completion was made');
  assert.equal(new Set(replies.map((r) => r.text)).size, 3);
  const full = (replies[0]!.promptTokens * 0.15 + replies[0]!.completionTokens * 0.6) / 1e6;
  assert.ok(Math.abs(replies[0]!.costUsd - full / 2) < 1e-15);
  assert.deepEqual(await forgotten(dir), [], 'a delivered batch is forgotten');
  await teacher.close();
});

test('batch mode: a run killed between create and download resumes the stored batch, with no second batch', async (t) => {
  const { server, dir, config } = await setup(t, true);
  const first = new BatchTeacher(config);
  const lost = Promise.allSettled([1, 2].map((k) => first.chat(req(k))));
  // Settled: the batch's state file alone (its .tmp renamed, the intent removed).
  const settled = async (): Promise<boolean> => {
    const names = await readdir(dir).catch(() => []);
    return names.length === 1 && /^batch_\w+\.json$/.test(names[0]!);
  };
  for (let i = 0; i < 200 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.batchesCreated, 1);
  assert.ok(await settled(), 'the batch id is stored before any wait, and the intent is gone');
  await first.close(); // the crash: nothing was downloaded
  await lost;

  const second = new BatchTeacher(config); // the restarted run replays the same tasks
  const replies = Promise.all([1, 2].map((k) => second.chat(req(k))));
  server.releaseBatches(); // results that come before their calls wait for them
  const out = await replies;
  assert.equal(out.length, 2);
  assert.ok(out.every((r) => r.text.length > 0));
  assert.equal(server.batchesCreated, 1, 'no second batch');
  assert.deepEqual(await forgotten(dir), []);
  await second.close();
});

/**
 * A fetch that lets the batch create reach the server and then loses its answer: `hang` never answers (the
 * process died inside the round trip), otherwise the connection breaks (an error after the server acted).
 */
function losingCreateAnswer(mode: 'hang' | 'error'): { fetch: typeof globalThis.fetch; lost: Promise<void> } {
  let signal!: () => void;
  const lost = new Promise<void>((r) => (signal = r));
  let done = false;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const reply = await globalThis.fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!done && init?.method === 'POST' && new URL(url).pathname.endsWith('/batches')) {
      done = true;
      await reply.body?.cancel(); // the answer is lost: free its connection so the server can close
      signal();
      if (mode === 'hang') {
        return new Promise<Response>((_, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      throw new TypeError('fetch failed: socket hang up');
    }
    return reply;
  };
  return { fetch, lost };
}

test('batch mode: a crash inside the create round trip (batch made, id never stored) resumes that batch by its key, with no second batch', async (t) => {
  const { server, dir, config } = await setup(t, true);
  const { fetch, lost } = losingCreateAnswer('hang');
  const first = new BatchTeacher({ ...config, fetch });
  const abandoned = Promise.allSettled([1, 2].map((k) => first.chat(req(k))));
  await lost; // the server made the batch; this process never learns its id
  assert.equal(server.batchesCreated, 1);
  assert.ok((await readdir(dir)).every((n) => n.startsWith('intent-')), 'only the intent is on disk, no batch id');
  await first.close();
  await abandoned;
  assert.equal((await readdir(dir)).filter((n) => n.startsWith('intent-')).length, 1, 'closing mid-create keeps the intent');

  const second = new BatchTeacher(config); // the restarted run replays the same tasks
  const replies = Promise.all([1, 2].map((k) => second.chat(req(k))));
  server.releaseBatches();
  const out = await replies;
  assert.ok(out.every((r) => r.text.length > 0));
  assert.equal(server.batchesCreated, 1, 'the batch made before the crash was found by its key, not made again');
  assert.deepEqual(await forgotten(dir), [], 'intent and state are gone once delivered');
  await second.close();
});

test('batch mode: a create whose answer is lost to a broken connection is found by its key in the same run', async (t) => {
  const { server, dir, config } = await setup(t, false);
  const { fetch } = losingCreateAnswer('error');
  const teacher = new BatchTeacher({ ...config, fetch });
  const out = await Promise.all([1, 2, 3].map((k) => teacher.chat(req(k))));
  assert.ok(out.every((r) => r.text.length > 0));
  assert.equal(server.batchesCreated, 1);
  assert.deepEqual(await forgotten(dir), []);
  await teacher.close();
});

test('batch mode: an intent whose create never reached the server is dropped, and the calls are submitted once', async (t) => {
  const { server, dir, config } = await setup(t, false);
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'intent-0123456789abcdef0123456789abcdef.json'), JSON.stringify({ key: '0123456789abcdef0123456789abcdef', hashes: ['h1'] }));
  const teacher = new BatchTeacher(config);
  const out = await Promise.all([1, 2, 3].map((k) => teacher.chat(req(k))));
  assert.equal(out.length, 3);
  assert.equal(server.batchesCreated, 1);
  assert.deepEqual(await forgotten(dir), [], 'the stale intent is gone');
  await teacher.close();
});
