/**
 * The transport conformance of test/unit/streams/embedded.test.ts, on a real Kafka broker: the same
 * behaviours through the same `Transport` interface.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionForKey } from '../../../streams/partitioner.ts';
import type { ConsumedMessage, Consumer } from '../../../streams/transport.ts';
import type { KafkaTransport } from '../../../streams/kafka/index.ts';
import { KafkaConsumer } from '../../../streams/kafka/index.ts';
import { kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';

const msg = (key: string, text = key) => ({ key, value: new TextEncoder().encode(text) });
const text = (v: Uint8Array) => new TextDecoder().decode(v);

let t: KafkaTransport;
before(async () => {
  t = await kafkaTransport();
});
after(async () => {
  await t.close();
});

/** Polls until `count` messages came (bounded), then checks that nothing more arrives right after. */
async function pollAll(consumers: Consumer[], count: number): Promise<ConsumedMessage[][]> {
  const got: ConsumedMessage[][] = consumers.map(() => []);
  await waitFor(async () => {
    for (const [i, c] of consumers.entries()) got[i]!.push(...(await c.poll({ maxMessages: 100, maxWaitMs: 100 })));
    return got.flat().length >= count;
  }, { what: `${count} messages` });
  for (const [i, c] of consumers.entries()) got[i]!.push(...(await c.poll({ maxMessages: 100, maxWaitMs: 200 })));
  return got;
}

test('messages of one key stay in one partition, in order, as the Java partitioner puts them', async () => {
  const topic = randomName('keys');
  // 3 partitions: not a power of two, where an unsigned murmur2 (the client's own default) would differ.
  await t.createTopics([{ name: topic, partitions: 3 }]);
  const c = await t.consumer({ group: randomName('g'), topics: [topic] });
  const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
  const p = t.producer();
  await p.send(topic, [...keys.map((k) => msg(k, `${k}/1`)), ...keys.map((k) => msg(k, `${k}/2`))]);
  const [got] = await pollAll([c], 60);
  assert.equal(got!.length, 60);
  for (const k of keys) {
    const mine = got!.filter((m) => m.key === k);
    assert.deepEqual(mine.map((m) => text(m.value)), [`${k}/1`, `${k}/2`]);
    assert.ok(mine.every((m) => m.partition === partitionForKey(k, 3)), `${k} in partition ${partitionForKey(k, 3)}`);
  }
  await p.close();
  await c.close();
});

test('two members of a group share the partitions; each message is delivered once', async () => {
  const topic = randomName('share');
  const group = randomName('g');
  await t.createTopics([{ name: topic, partitions: 4 }]);
  const c1 = (await t.consumer({ group, topics: [topic] })) as KafkaConsumer;
  const c2 = (await t.consumer({ group, topics: [topic] })) as KafkaConsumer;
  const other = await t.consumer({ group: randomName('h'), topics: [topic] });
  // c1 learns of c2 at its next heartbeat and rejoins: wait until the group has settled on two members.
  await waitFor(async () => {
    await c1.poll({ maxMessages: 1, maxWaitMs: 50 });
    const a = c1.assignment().map((x) => x.partition);
    const b = c2.assignment().map((x) => x.partition);
    return a.length > 0 && b.length > 0 && a.length + b.length === 4 && a.every((x) => !b.includes(x));
  }, { what: 'the group to split 4 partitions over 2 members' });
  const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
  const p = t.producer();
  await p.send(topic, keys.map((k) => msg(k)));
  const [a, b] = await pollAll([c1, c2], 40);
  assert.ok(a!.length > 0 && b!.length > 0);
  assert.deepEqual([...a!, ...b!].map((m) => m.key).sort(), [...keys].sort(), 'every message once');
  const partitionsA = new Set(a!.map((m) => m.partition));
  assert.ok(b!.every((m) => !partitionsA.has(m.partition)));
  const [h] = await pollAll([other], 40);
  assert.equal(h!.length, 40, 'another group sees every message');
  await Promise.all([p.close(), c1.close(), c2.close(), other.close()]);
});

test('poll waits for data and returns it when it arrives; commits and lag are tracked', async () => {
  const topic = randomName('commit');
  const group = randomName('g');
  await t.createTopics([{ name: topic, partitions: 1 }]);
  const c = await t.consumer({ group, topics: [topic] });
  const polling = c.poll({ maxMessages: 5, maxWaitMs: 10_000 });
  const p = t.producer();
  await p.send(topic, [msg('x')]);
  const got = await polling;
  assert.equal(got.length, 1);
  assert.equal(await c.lag(), 1);
  await c.commit([{ topic, partition: 0, offset: 1 }]);
  assert.equal(await c.lag(), 0);
  assert.deepEqual(await c.committed(), [{ topic, partition: 0, offset: 1 }]);
  await p.send(topic, [msg('y'), msg('z')]);
  assert.equal(await c.lag(), 2);
  await c.close();

  // A new member of the group starts at the committed position.
  const again = await t.consumer({ group, topics: [topic] });
  const [rest] = await pollAll([again], 2);
  assert.deepEqual(rest!.map((m) => [m.key, m.offset]), [['y', 1], ['z', 2]]);
  await Promise.all([p.close(), again.close()]);
});

test('seek moves the next read back and forward in a partition, exactly', async () => {
  const topic = randomName('seek');
  await t.createTopics([{ name: topic, partitions: 2 }]);
  const c = await t.consumer({ group: randomName('g'), topics: [topic] });
  const p = t.producer();
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
  await p.send(topic, keys.map((k) => msg(k)));
  const [first] = await pollAll([c], 20);
  const inZero = first!.filter((m) => m.partition === 0);
  assert.ok(inZero.length >= 4, 'partition 0 has a few messages');
  c.seek({ topic, partition: 0, offset: 2 });
  const [again] = await pollAll([c], inZero.length - 2);
  assert.deepEqual(again!.map((m) => [m.partition, m.offset]), inZero.slice(2).map((m) => [0, m.offset]));
  c.seek({ topic, partition: 0, offset: inZero.length - 1 });
  const [last] = await pollAll([c], 1);
  assert.deepEqual(last!.map((m) => m.key), [inZero.at(-1)!.key]);
  await Promise.all([p.close(), c.close()]);
});

test('poll returns empty after the wait when nothing arrives, and send fails once closed', async () => {
  const topic = randomName('empty');
  const own = await kafkaTransport();
  const c = await own.consumer({ group: randomName('g'), topics: [topic] });
  const started = Date.now();
  assert.deepEqual(await c.poll({ maxMessages: 5, maxWaitMs: 200 }), []);
  assert.ok(Date.now() - started < 3000, 'poll came back near its wait');
  const p = own.producer();
  await own.close();
  await assert.rejects(p.send(topic, [msg('x')]), { code: 'TRANSPORT_CLOSED' });
  await assert.rejects(own.createTopics([{ name: topic, partitions: 1 }]), { code: 'TRANSPORT_CLOSED' });
});
