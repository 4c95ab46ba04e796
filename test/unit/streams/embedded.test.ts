import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedTransport } from '../../../streams/embedded.ts';
import { partitionForKey } from '../../../streams/partitioner.ts';
import { nextPositions } from '../../../streams/transport.ts';

const msg = (key: string, text = key) => ({ key, value: new TextEncoder().encode(text) });
const text = (v: Uint8Array) => new TextDecoder().decode(v);

test('messages of one key stay in one partition, in order', async () => {
  const t = new EmbeddedTransport();
  await t.createTopics([{ name: 'a', partitions: 4 }]);
  const c = await t.consumer({ group: 'g', topics: ['a'] });
  await t.producer().send('a', [msg('k1', '1'), msg('k2', '2'), msg('k1', '3')]);
  const got = await c.poll({ maxMessages: 10, maxWaitMs: 10 });
  const k1 = got.filter((m) => m.key === 'k1');
  assert.deepEqual(k1.map((m) => text(m.value)), ['1', '3']);
  assert.ok(k1.every((m) => m.partition === partitionForKey('k1', 4)));
  await t.close();
});

test('two members of a group share the partitions; each message is delivered once', async () => {
  const t = new EmbeddedTransport();
  await t.createTopics([{ name: 'a', partitions: 4 }]);
  const c1 = await t.consumer({ group: 'g', topics: ['a'] });
  const c2 = await t.consumer({ group: 'g', topics: ['a'] });
  const other = await t.consumer({ group: 'h', topics: ['a'] });
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
  await t.producer().send('a', keys.map((k) => msg(k)));
  const a = await c1.poll({ maxMessages: 100, maxWaitMs: 10 });
  const b = await c2.poll({ maxMessages: 100, maxWaitMs: 10 });
  assert.ok(a.length > 0 && b.length > 0);
  assert.deepEqual([...a, ...b].map((m) => m.key).sort(), [...keys].sort());
  const partitionsA = new Set(a.map((m) => m.partition));
  assert.ok(b.every((m) => !partitionsA.has(m.partition)));
  const h = await other.poll({ maxMessages: 100, maxWaitMs: 10 });
  assert.equal(h.length, 40, 'another group sees every message');
  await t.close();
});

test('send waits while a partition is full and resumes when the consumer fetches (backpressure)', async () => {
  const t = new EmbeddedTransport({ capacity: 3 });
  await t.createTopics([{ name: 'a', partitions: 1 }]);
  const c = await t.consumer({ group: 'g', topics: ['a'] });
  let sent = false;
  const sending = t.producer().send('a', ['1', '2', '3', '4', '5'].map((k) => msg(k))).then(() => { sent = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(sent, false, 'the fourth message must wait for room');
  const first = await c.poll({ maxMessages: 2, maxWaitMs: 10 });
  assert.deepEqual(first.map((m) => m.key), ['1', '2']);
  await sending;
  const rest = await c.poll({ maxMessages: 10, maxWaitMs: 10 });
  assert.deepEqual(rest.map((m) => m.key), ['3', '4', '5']);
  assert.deepEqual(rest.map((m) => m.offset), [2, 3, 4]);
  await t.close();
});

test('poll waits for data and returns it when it arrives; commits and lag are tracked', async () => {
  const t = new EmbeddedTransport();
  const c = await t.consumer({ group: 'g', topics: ['a'] });
  const polling = c.poll({ maxMessages: 5, maxWaitMs: 5000 });
  await t.producer().send('a', [msg('x')]);
  const got = await polling;
  assert.equal(got.length, 1);
  assert.equal(await c.lag(), 1);
  await c.commit([{ topic: 'a', partition: 0, offset: 1 }]);
  assert.equal(await c.lag(), 0);
  assert.deepEqual(await c.committed(), [{ topic: 'a', partition: 0, offset: 1 }]);
  await t.close();
});

test('poll returns empty after the wait when nothing arrives, and send fails once closed', async () => {
  const t = new EmbeddedTransport();
  const c = await t.consumer({ group: 'g', topics: ['a'] });
  assert.deepEqual(await c.poll({ maxMessages: 5, maxWaitMs: 5 }), []);
  await t.close();
  await assert.rejects(t.producer().send('a', [msg('x')]), { code: 'TRANSPORT_CLOSED' });
});

test('queueDepth: what a group has not committed, over its topics and partitions', async () => {
  const t = new EmbeddedTransport();
  await t.createTopics([{ name: 'a', partitions: 2 }, { name: 'b', partitions: 1 }]);
  const c = await t.consumer({ group: 'g', topics: ['a', 'b'] });
  await t.producer().send('a', ['1', '2', '3', '4'].map((k) => msg(k)));
  await t.producer().send('b', [msg('5')]);
  assert.equal(t.queueDepth('g'), 5);
  const got = await c.poll({ maxMessages: 2, maxWaitMs: 10 });
  assert.equal(t.queueDepth('g'), 5, 'fetched is not done: in flight still counts');
  await c.commit(nextPositions(got));
  assert.equal(t.queueDepth('g'), 3);
  assert.equal(t.queueDepth('nobody'), 0);
  await t.close();
});
