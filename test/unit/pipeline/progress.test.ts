import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine, type RunProgress } from '../../../pipeline/progress.ts';

const progress: RunProgress = {
  startedAt: 0, now: 60_000, committed: 10, pending: 0, corpusExamples: 10, tasksPlanned: 3, tasksDone: 2,
  dropped: 0, deadLetters: 0, costUsd: 0, promptTokens: 0, completionTokens: 0,
};

test('the progress line shows what each operator has queued when the transport knows it', () => {
  assert.match(progressLine({ ...progress, queues: { generate: 2, dedup: 0, respond: 37, sink: 1 } }, 100),
    / · 60s · queued generate 2 dedup 0 respond 37 sink 1$/);
  assert.match(progressLine(progress, 100), / · 60s$/);
});
