import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminalTally } from '../../../operators/planner/feedback.ts';
import { PlanWindow } from '../../../operators/planner/window.ts';
import type { DeadLetter, Dropped, Example } from '../../../schemas/types.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';
import type { StageInput } from '../../../streams/stage.ts';

const source: ConsumedMessage = { topic: 'x', partition: 0, offset: 0, key: 'k', value: new Uint8Array() };
const signal = new AbortController().signal;
const example = (id: string, task: number, outputs: number): Example => ({
  id, instruction_id: id, instruction: 'i', input: '', response: 'r', instruction_source: 'alpaca', generation_mode: 'seed', seed_ids: [],
  topics: [], teacher_model: 'm', prompt_version: 'v1', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, task_number: task, task_outputs: outputs, created_at: 0,
});
const dropped = (id: string, task: number, outputs: number): Dropped => ({
  id, duplicate_of: '', reason: 'near_duplicate', instruction: 'i', instruction_source: 'alpaca', task_number: task, task_outputs: outputs, created_at: 0,
});
const letter = (id: string, task: number, outputs: number): DeadLetter => ({
  id, operator: 'respond', reason: 'teacher_http', message: 'm', source_topic: 't', source_partition: 0, source_offset: 0, payload: new Uint8Array(),
  task_number: task, task_outputs: outputs, created_at: 0,
});

function feed(inputs: readonly StageInput[], topic: string, record: Example | Dropped | DeadLetter): Promise<unknown> {
  const input = inputs.find((i) => i.topic === topic);
  assert.ok(input !== undefined, topic);
  // The runner decodes each record as its input's topic type; here the test hands it the right type.
  return input.handle(record, source, signal);
}

test('the planner\'s tally: a task is finished when its distinct terminal records all arrived, before any shard is committed', async () => {
  const finished: Array<[number, number]> = [];
  const tally = new TerminalTally({ watermark: 4, above: [6] }, (k, n) => finished.push([k, n]));
  const inputs = tally.inputs();
  await feed(inputs, 'examples', example('e1', 5, 3));
  await feed(inputs, 'examples', example('e1', 5, 3));
  await feed(inputs, 'dropped', dropped('d1', 5, 3));
  assert.equal(tally.hasSeen(5), true);
  assert.equal(tally.openRecordsDue, 1, 'three expected, two distinct seen');
  await feed(inputs, 'dlq', letter('l1', 5, 3));
  assert.deepEqual(finished, [[5, 3]]);
  assert.equal(tally.openRecordsDue, 0);
  assert.equal(tally.examples, 1, 'an example delivered twice counts once');
  // Late records: of a task done before the planner started (≤ watermark, or above it and done), or finished since.
  await feed(inputs, 'examples', example('e2', 3, 1));
  await feed(inputs, 'examples', example('e3', 6, 1));
  await feed(inputs, 'examples', example('e4', 5, 3));
  assert.equal(tally.examples, 1);
  assert.deepEqual(finished, [[5, 3]]);
  assert.equal(tally.openRecordsDue, 0, 'a late record opens nothing');
});

test('regression (issue 15, item 1): before any task finished, an instruction asked for counts as one example toward the target', () => {
  const w = new PlanWindow({ window: 64, start: 8, target: 20 });
  const s = { inFlight: 0, made: 0, openRecordsDue: 0, unseenAsked: 0, finishedTasks: 0, finishedRecords: 0, finishedAsked: 0 };
  assert.equal(w.allows(s), true, 'nothing in flight: plan');
  assert.equal(w.allows({ ...s, inFlight: 1, unseenAsked: 20 }), false, 'one task asking for 20 covers a target of 20');
  assert.equal(w.allows({ ...s, inFlight: 1, unseenAsked: 19 }), true);
});
