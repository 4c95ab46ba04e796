import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassOrder, permute } from '../../../../trainers/data/order.ts';

const key = { seed: 7, epoch: 0, fromSeq: 0, toSeq: 9 };
const shards = [
  { seq: 1, rows: 5 },
  { seq: 2, rows: 0 },
  { seq: 4, rows: 11 },
  { seq: 6, rows: 3 },
  { seq: 9, rows: 8 },
];

const addresses = (order: PassOrder): string[] =>
  Array.from({ length: order.length }, (_, p) => {
    const a = order.address(p);
    return `${a.shard}:${a.row}`;
  });

test('permute is a permutation and a pure function of its counter', () => {
  const p = permute(1000, 1, 2, 3);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(permute(1000, 1, 2, 3), p);
  assert.notDeepEqual(permute(1000, 1, 2, 4), p);
  assert.deepEqual([...permute(1, 5)], [0]);
  assert.deepEqual([...permute(0, 5)], []);
});

test('every position maps to a distinct (shard, row), covering every row of every shard', () => {
  for (const block of [1, 4, 7, 27, 1000]) {
    const order = new PassOrder(key, shards, block);
    assert.equal(order.length, 27);
    const seen = addresses(order);
    const expected = shards.flatMap((s, i) => Array.from({ length: s.rows }, (_, r) => `${i}:${r}`));
    assert.deepEqual([...seen].sort(), [...expected].sort(), `block ${block}`);
  }
});

test('the order is pure: the same key gives the same order, another epoch or seed another', () => {
  const a = addresses(new PassOrder(key, shards, 6));
  assert.deepEqual(addresses(new PassOrder({ ...key }, shards.map((s) => ({ ...s })), 6)), a);
  assert.notDeepEqual(addresses(new PassOrder({ ...key, epoch: 1 }, shards, 6)), a);
  assert.notDeepEqual(addresses(new PassOrder({ ...key, seed: 8 }, shards, 6)), a);
  assert.notDeepEqual(addresses(new PassOrder({ ...key, fromSeq: 1 }, shards, 6)), a);
});

test('position p stays inside its block: rows of block b are the virtual rows [b*B, (b+1)*B)', () => {
  const order = new PassOrder(key, shards, 6);
  for (let b = 0; b < order.blocks; b++) {
    const { start, end } = order.blockRange(b);
    const fromPositions = new Set<string>();
    for (let p = start; p < end; p++) fromPositions.add(JSON.stringify(order.address(p)));
    const fromVirtual = new Set<string>();
    for (let v = start; v < end; v++) fromVirtual.add(JSON.stringify(order.addressOfVirtual(v)));
    assert.deepEqual(fromPositions, fromVirtual, `block ${b}`);
  }
  assert.equal(order.blocks, 5);
  assert.deepEqual(order.blockRange(4), { start: 24, end: 27 });
});

test('spans cut a virtual range into per-shard row runs in shuffled shard order', () => {
  const order = new PassOrder(key, shards, 6);
  assert.deepEqual([...order.shardOrder].sort(), [0, 1, 2, 3, 4]);
  for (const [start, end] of [[0, 27], [3, 17], [10, 11], [26, 27]] as const) {
    const spans = order.spans(start, end);
    let v = start;
    for (const span of spans) {
      assert.equal(span.virtualStart, v, 'spans are contiguous');
      assert.ok(span.toRow > span.fromRow, 'no empty span');
      for (let r = span.fromRow; r < span.toRow; r++, v++) assert.deepEqual(order.addressOfVirtual(v), { shard: span.shard, row: r });
    }
    assert.equal(v, end);
  }
});

test('the shard order is shuffled too: over many seeds, the first shard is not always the same', () => {
  const firsts = new Set<number>();
  for (let seed = 0; seed < 40; seed++) firsts.add(new PassOrder({ ...key, seed }, shards, 6).shardOrder[0]!);
  assert.ok(firsts.size >= 4, `first shards seen: ${[...firsts]}`);
});

test('a position outside the pass is a programming error', () => {
  const order = new PassOrder(key, shards, 6);
  assert.throws(() => order.address(27), RangeError);
  assert.throws(() => order.address(-1), RangeError);
  assert.throws(() => new PassOrder(key, shards, 0), RangeError);
});
