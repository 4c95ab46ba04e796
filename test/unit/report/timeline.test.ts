import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketFor, MAX_BUCKETS } from '../../../report/index.ts';

test('the bucket is the smallest rung that keeps a span under MAX_BUCKETS', () => {
  const minute = 60_000;
  assert.equal(bucketFor(0).interval, '1 second');
  assert.equal(bucketFor(30 * minute).interval, '1 minute');
  assert.equal(bucketFor(3 * 60 * minute).interval, '5 minutes');
  assert.equal(bucketFor(4 * 24 * 60 * minute).interval, '1 hour');
  assert.equal(bucketFor(7 * 24 * 60 * minute).interval, '6 hours');
  assert.equal(bucketFor(90 * 24 * 60 * minute).interval, '1 day');
  for (const span of [1, 5e4, 3e6, 8e7, 2e9, 5e10]) {
    const b = bucketFor(span);
    assert.ok(span / b.ms < MAX_BUCKETS, `${span} ms in ${b.interval}`);
  }
  assert.equal(bucketFor(1e13).interval, '30 days', 'the last rung past the ladder');
});
