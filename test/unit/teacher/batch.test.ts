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
  for (let i = 0; i < 200 && (await readdir(dir).catch(() => [])).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.batchesCreated, 1);
  assert.equal((await readdir(dir)).length, 1, 'the batch id is stored before any wait');
  await first.close(); // the crash: nothing was downloaded
  await lost;

  const second = new BatchTeacher(config); // the restarted run replays the same tasks
  const replies = Promise.all([1, 2].map((k) => second.chat(req(k))));
  await new Promise((r) => setTimeout(r, 50));
  server.releaseBatches();
  const out = await replies;
  assert.equal(out.length, 2);
  assert.ok(out.every((r) => r.text.length > 0));
  assert.equal(server.batchesCreated, 1, 'no second batch');
  assert.deepEqual(await forgotten(dir), []);
  await second.close();
});
