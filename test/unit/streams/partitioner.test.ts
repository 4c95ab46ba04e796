import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey } from '../../../streams/partitioner.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

test('murmur2 matches the vectors of Kafka\'s own Utils.murmur2 tests', () => {
  // Vectors from Apache Kafka's UtilsTest (the Java client's default partitioner hash).
  assert.equal(murmur2(bytes('21')), -973932308);
  assert.equal(murmur2(bytes('foobar')), -790332482);
  assert.equal(murmur2(bytes('a-little-bit-long-string')), -985981536);
  assert.equal(murmur2(bytes('a-little-bit-longer-string')), -1486304829);
  assert.equal(murmur2(bytes('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
  assert.equal(murmur2(bytes('abc')), 479470107);
});

test('partitionForKey is stable and in range', () => {
  for (const n of [1, 3, 12]) {
    const p = partitionForKey('some-id', n);
    assert.ok(p >= 0 && p < n);
    assert.equal(partitionForKey('some-id', n), p);
  }
});
