import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costLimitReached } from '../../../operators/planner/cost-limit.ts';

test('--max-cost: planning stops before the projected spend of the tasks in flight passes the limit', () => {
  let spent = 0;
  const limit = { limitUsd: 1, spentUsd: () => spent };
  const inFlight = (n: number): number[] => Array.from({ length: n }, (_, i) => 100 + i);
  assert.equal(costLimitReached(limit, 0, inFlight(16)), false, 'nothing spent yet');
  spent = 0.5; // 10 tasks done: 0.05 a task
  assert.equal(costLimitReached(limit, 10, inFlight(4)), false, '0.5 + 5 * 0.05 = 0.75');
  assert.equal(costLimitReached(limit, 10, inFlight(9)), false, '0.5 + 10 * 0.05 = 1.0 is not past it');
  assert.equal(costLimitReached(limit, 10, inFlight(10)), true, '0.5 + 11 * 0.05 > 1');
  spent = 1;
  assert.equal(costLimitReached(limit, 100, []), true);
});

test('--max-cost: the dearest task so far sets the projection, less what tasks in flight already spent', () => {
  const spentBy = new Map([[7, 0.1], [8, 0.02]]);
  const limit = {
    limitUsd: 1, spentUsd: () => 0.5, maxTaskSpentUsd: () => 0.2, taskSpentUsd: (k: number) => spentBy.get(k) ?? 0,
  };
  // Tasks 7 and 8 in flight: 0.5 + (0.2 - 0.1) + (0.2 - 0.02) + 0.2 = 0.98.
  assert.equal(costLimitReached(limit, 10, [7, 8]), false);
  assert.equal(costLimitReached(limit, 10, [7, 8, 9]), true, 'one more unstarted task: 1.18');
});
