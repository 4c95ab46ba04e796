import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPass } from '../../../../trainers/data/passes.ts';

test('without follow: epochs 0..E-1 over the start snapshot, then the end; new shards are ignored', () => {
  const config = { epochs: 2, follow: false };
  assert.deepEqual(nextPass(config, { epoch: 0, fromSeq: 0, toSeq: 5 }, 5, 9), {
    kind: 'pass',
    pass: { epoch: 1, fromSeq: 0, toSeq: 5 },
    coveredTo: 5,
  });
  assert.deepEqual(nextPass(config, { epoch: 1, fromSeq: 0, toSeq: 5 }, 5, 9), { kind: 'end' });
});

test('with follow: new shards first (same epoch), then the next epoch over everything covered, then wait', () => {
  const config = { epochs: 2, follow: true };
  assert.deepEqual(nextPass(config, { epoch: 0, fromSeq: 0, toSeq: 5 }, 5, 8), {
    kind: 'pass',
    pass: { epoch: 0, fromSeq: 5, toSeq: 8 },
    coveredTo: 8,
  });
  assert.deepEqual(nextPass(config, { epoch: 0, fromSeq: 5, toSeq: 8 }, 8, 8), {
    kind: 'pass',
    pass: { epoch: 1, fromSeq: 0, toSeq: 8 },
    coveredTo: 8,
  });
  assert.deepEqual(nextPass(config, { epoch: 1, fromSeq: 0, toSeq: 8 }, 8, 8), { kind: 'wait' });
  assert.deepEqual(nextPass(config, { epoch: 1, fromSeq: 0, toSeq: 8 }, 8, 11), {
    kind: 'pass',
    pass: { epoch: 1, fromSeq: 8, toSeq: 11 },
    coveredTo: 11,
  });
});
