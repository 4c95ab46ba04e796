import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PositionTracker } from '../../../streams/positions.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';

const m = (partition: number, offset: number): ConsumedMessage => ({ topic: 't', partition, offset, key: 'k', value: new Uint8Array() });

test('positions advance only over the finished prefix of each partition', () => {
  const t = new PositionTracker();
  for (const o of [10, 11, 12, 13, 14]) t.read(m(0, o));
  t.read(m(1, 3));
  t.finish(m(0, 10));
  t.finish(m(0, 11));
  t.finish(m(0, 13));
  t.finish(m(0, 14));
  assert.deepEqual(t.advance(), [{ topic: 't', partition: 0, offset: 12 }], '12 is in flight: 13 and 14 wait for it');
  assert.equal(t.open, 2, 'reads not finished: 12, and 3 of partition 1');
  assert.deepEqual(t.advance(), [], 'nothing moved since');
  t.finish(m(1, 3));
  t.finish(m(0, 12));
  assert.deepEqual(t.advance(), [{ topic: 't', partition: 0, offset: 15 }, { topic: 't', partition: 1, offset: 4 }]);
  assert.equal(t.open, 0);
});

test('regression: an offset read twice (a rebalance reads from the committed position again) is in flight until both reads finish', () => {
  const t = new PositionTracker();
  t.read(m(0, 50));
  t.read(m(0, 51));
  t.read(m(0, 50));
  t.finish(m(0, 50));
  t.finish(m(0, 51));
  assert.deepEqual(t.advance(), [], 'the second read of 50 is still in flight: the position stays at 50');
  t.finish(m(0, 50));
  assert.deepEqual(t.advance(), [{ topic: 't', partition: 0, offset: 52 }]);
  assert.equal(t.open, 0);
});
