import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPositions } from '../../../streams/transport.ts';

test('nextPositions keeps the highest next offset per partition', () => {
  const v = new Uint8Array();
  const got = nextPositions([
    { topic: 'a', partition: 0, offset: 4, key: 'k', value: v },
    { topic: 'a', partition: 0, offset: 2, key: 'k', value: v },
    { topic: 'a', partition: 1, offset: 0, key: 'k', value: v },
  ]);
  assert.deepEqual(got, [
    { topic: 'a', partition: 0, offset: 5 },
    { topic: 'a', partition: 1, offset: 1 },
  ]);
});
