import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askedBy, defaultPlanWindow, PlanWindow, type PlanState } from '../../../operators/planner/window.ts';

const state = (s: Partial<PlanState>): PlanState => ({
  inFlight: 0, made: 0, openRecordsDue: 0, unseenAsked: 0, finishedTasks: 0, finishedRecords: 0, finishedAsked: 0, ...s,
});

test('before any task finished, at most the start window is in flight', () => {
  const w = new PlanWindow({ window: 128, start: 8, target: 10_000 });
  assert.equal(w.allows(state({ inFlight: 7, unseenAsked: 140 })), true);
  assert.equal(w.allows(state({ inFlight: 8 })), false);
  assert.equal(w.allows(state({ inFlight: 8, made: 40, openRecordsDue: 10 })), false, 'partial output does not widen it');
});

test('with a known yield the window opens up to its maximum while much is still needed', () => {
  const w = new PlanWindow({ window: 128, start: 8, target: 10_000 });
  const finished = { made: 50, finishedTasks: 10, finishedRecords: 50, finishedAsked: 100 };
  assert.equal(w.allows(state({ ...finished, inFlight: 100, unseenAsked: 1_000 })), true);
  assert.equal(w.allows(state({ ...finished, inFlight: 128, unseenAsked: 1_000 })), false);
});

test('near the target it counts what open and unseen tasks will still bring', () => {
  const w = new PlanWindow({ window: 128, start: 8, target: 1_000 });
  // Half of the instructions asked for become records.
  const finished = { finishedTasks: 180, finishedRecords: 900, finishedAsked: 1_800 };
  // 900 made; open tasks owe 20 records; unseen tasks asked for 150 instructions, about 75 records: 995.
  assert.equal(w.allows(state({ ...finished, made: 900, inFlight: 19, openRecordsDue: 20, unseenAsked: 150 })), true);
  // Ten more instructions asked: 1000, enough.
  assert.equal(w.allows(state({ ...finished, made: 900, inFlight: 20, openRecordsDue: 20, unseenAsked: 160 })), false);
  assert.equal(w.allows(state({ ...finished, made: 1_000 })), false, 'target reached: plan nothing');
});

test('never stalls: with nothing in flight and the target not reached it plans', () => {
  const w = new PlanWindow({ window: 128, start: 8, target: 1_000 });
  assert.equal(w.allows(state({ made: 999, finishedTasks: 200, finishedRecords: 5_000, finishedAsked: 5_000 })), true);
});

test('the start window never exceeds the window', () => {
  const w = new PlanWindow({ window: 4, start: 32, target: 100 });
  assert.equal(w.allows(state({ inFlight: 4 })), false);
});

test('a seed task asks for one instruction; the default window covers the Kafka hops and every member', () => {
  assert.equal(askedBy({ count: 0 }), 1);
  assert.equal(askedBy({ count: 20 }), 20);
  assert.equal(defaultPlanWindow(16, 1, 'embedded'), 32);
  assert.equal(defaultPlanWindow(16, 2, 'kafka'), 256);
  assert.equal(defaultPlanWindow(0, 1, 'embedded'), 2);
});
