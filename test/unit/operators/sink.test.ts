import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkBuffer, tallyKey } from '../../../operators/sink/sink.ts';
import type { DeadLetter, Dropped, Example } from '../../../schemas/types.ts';

const ex = (id: string, task: number, outputs: number): Example => ({
  id, instruction_id: `i-${id}`, instruction: 'q', input: '', response: 'a', instruction_source: 's', generation_mode: 'seed',
  seed_ids: [], topics: [], teacher_model: 'm', prompt_version: 'v', prompt_tokens: 1, completion_tokens: 1, cost_usd: 0,
  task_number: task, task_outputs: outputs, created_at: 0,
});
const drop = (id: string, task: number, outputs: number): Dropped => ({
  id, duplicate_of: 'x', reason: 'exact_duplicate', instruction: 'q', instruction_source: 's', task_number: task, task_outputs: outputs, created_at: 0,
});
const dead = (id: string, task: number, outputs: number): DeadLetter => ({
  id, operator: 'generate', reason: 'teacher_no_examples', message: 'm', source_topic: 'tasks', source_partition: 0,
  source_offset: 0, payload: new Uint8Array(), task_number: task, task_outputs: outputs, created_at: 0,
});

test('a task is done when all of its terminal records arrived, whatever their kind', () => {
  const completed: number[] = [];
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set(), (k) => completed.push(k));
  b.addExample(ex('a', 1, 3), 0);
  b.addDropped(drop('d', 1, 3), 0);
  b.addExample(ex('b', 2, 1), 0);
  assert.deepEqual(completed, [2]);
  const first = b.take();
  assert.deepEqual(first.doneTasks, [2]);
  b.addDeadLetter(dead('z', 1, 3), 0);
  assert.deepEqual(completed, [2, 1]);
  const second = b.take();
  assert.deepEqual(second.doneTasks, [1]);
  assert.equal(second.deadLetters.length, 1);
});

test('examples already committed are skipped but still count for their task', () => {
  const committed = new Set(['a']);
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, committed);
  b.addExample(ex('a', 1, 2), 0);
  b.addExample(ex('b', 1, 2), 0);
  b.addExample(ex('b', 3, 1), 0);
  const batch = b.take();
  assert.deepEqual(batch.examples.map((e) => e.id), ['b']);
  assert.equal(batch.skippedDuplicates, 2);
  assert.deepEqual(batch.doneTasks, [1, 3]);
  assert.ok(committed.has('b'));
});

test('a shard is due by rows or by age', () => {
  const b = new SinkBuffer({ maxRows: 2, maxAgeMs: 1000 }, new Set());
  assert.equal(b.due(0), false);
  b.addExample(ex('a', 1, 5), 100);
  assert.equal(b.due(500), false);
  assert.equal(b.due(1100), true);
  b.addExample(ex('b', 1, 5), 100);
  assert.equal(b.due(200), true);
  b.take();
  assert.equal(b.rows, 0);
  assert.equal(b.due(5000), false);
});

test('open tasks report the records they still owe; a finished task reports how many it had', () => {
  const completed: Array<[number, number]> = [];
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set(), (k, records) => completed.push([k, records]));
  b.addExample(ex('a', 1, 3), 0);
  b.addExample(ex('b', 2, 4), 0);
  b.addDropped(drop('c', 2, 4), 0);
  assert.equal(b.openTasks, 2);
  assert.equal(b.openTaskRecordsDue, 2 + 2);
  b.addExample(ex('d', 1, 3), 0);
  b.addDeadLetter(dead('e', 1, 3), 0);
  assert.deepEqual(completed, [[1, 3]]);
  assert.equal(b.openTasks, 1);
  assert.equal(b.openTaskRecordsDue, 2);
});

test('a terminal record of a task already done (a replayed dead letter\'s output) is committed and reopens no task', () => {
  const completed: number[] = [];
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set(), (k) => completed.push(k));
  b.tasksDone(4, [7]);
  b.addExample(ex('late-3', 3, 5), 0);
  b.addExample(ex('late-7', 7, 2), 0);
  b.addDeadLetter(dead('again-7', 7, 2), 0);
  assert.equal(b.openTasks, 0, 'no done task is reopened');
  b.addExample(ex('new-5', 5, 1), 0);
  const batch = b.take();
  assert.deepEqual(batch.examples.map((e) => e.id), ['late-3', 'late-7', 'new-5']);
  assert.deepEqual(batch.doneTasks, [5], 'only the newly completed task is reported done');
  assert.deepEqual(completed, [5]);
  assert.equal(b.lateRecords, 3);
  // Task 5 is done now (the watermark moved through it): a second copy of its example is late, not a new task.
  b.addExample(ex('new-5b', 5, 1), 0);
  assert.equal(b.openTasks, 0);
  assert.deepEqual(b.take().doneTasks, []);
});

test('teacher ledger rows ride with the next shard, once per id, and count toward no task', () => {
  const row = (id: string) => ({
    id, request_hash: 'h', task_number: 1, model: 'm', status: 'ok', prompt_tokens: 1, completion_tokens: 1, cost_usd: 0.5,
    saved_usd: 0, retries: 0, cached: false, latency_ms: 1, created_at: 0, error: '', server_model: '',
  });
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set());
  b.addTeacherRequest(row('r1'), 0);
  b.addTeacherRequest(row('r1'), 0);
  b.addTeacherRequest(row('r2'), 0);
  assert.equal(b.rows, 2);
  assert.equal(b.openTasks, 0);
  assert.equal(b.due(999), false);
  assert.equal(b.due(1000), true, 'they age like any row');
  const batch = b.take();
  assert.deepEqual(batch.teacherRequests.map((r) => r.id), ['r1', 'r2']);
  assert.deepEqual(batch.doneTasks, []);
  assert.equal(b.take().teacherRequests.length, 0);
});

test('a terminal record delivered twice (a redone batch) counts once: the task is not done before its last record', () => {
  const completed: number[] = [];
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set(), (k) => completed.push(k));
  b.addExample(ex('a', 1, 3), 0);
  b.addExample(ex('a', 1, 3), 0);
  b.addDropped(drop('d', 1, 3), 0);
  b.addDropped(drop('d', 1, 3), 0);
  assert.deepEqual(completed, [], 'two distinct records of three');
  assert.equal(b.openTaskRecordsDue, 1);
  b.addExample(ex('b', 1, 3), 0);
  assert.deepEqual(completed, [1]);
});

test('a resumed task counts the records committed before the restart once, even when one arrives again', () => {
  const completed: number[] = [];
  const b = new SinkBuffer({ maxRows: 100, maxAgeMs: 1000 }, new Set(['a']), (k) => completed.push(k));
  b.resumeTask(1, [tallyKey('example', 'a')]);
  b.addExample(ex('a', 1, 2), 0); // redelivered: already committed and already counted
  assert.deepEqual(completed, []);
  b.addExample(ex('b', 1, 2), 0);
  assert.deepEqual(completed, [1]);
});
