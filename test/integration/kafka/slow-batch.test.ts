/**
 * A teacher call takes seconds, sometimes longer than the group's session timeout. The runner holds a
 * polled batch while the operator works on it and does not poll meanwhile; the consumer's heartbeats run
 * on their own timer (streams/kafka/consumer.ts), so a slow batch must cost no rebalance: the member keeps
 * its partitions, the other member never receives the batch, and the late commit is accepted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaConsumer, KafkaTransport } from '../../../streams/kafka/index.ts';
import { nextPositions, type ConsumedMessage } from '../../../streams/transport.ts';
import { kafkaTransport, randomName, testGroupTimeouts, waitFor } from '../../helpers/kafka.ts';

let t: KafkaTransport;
before(async () => {
  t = await kafkaTransport();
});
after(async () => {
  await t.close();
});

const partitions = (c: KafkaConsumer): number[] => c.assignment().map((a) => a.partition).sort();

test('a batch held for longer than the session timeout costs no rebalance and no redelivery', async () => {
  const topic = randomName('slow');
  const group = randomName('g');
  await t.createTopics([{ name: topic, partitions: 4 }]);
  const slow = (await t.consumer({ group, topics: [topic] })) as KafkaConsumer;
  const other = (await t.consumer({ group, topics: [topic] })) as KafkaConsumer;
  await waitFor(async () => {
    await slow.poll({ maxMessages: 1, maxWaitMs: 50 });
    await other.poll({ maxMessages: 1, maxWaitMs: 50 });
    const a = partitions(slow);
    const b = partitions(other);
    return a.length > 0 && b.length > 0 && a.length + b.length === 4;
  }, { what: 'the group to split 4 partitions over 2 members' });
  const before = { slow: partitions(slow), other: partitions(other) };

  const p = t.producer();
  await p.send(topic, Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: new TextEncoder().encode(`v${i}`) })));
  const held: ConsumedMessage[] = await waitFor(async () => {
    const got = await slow.poll({ maxMessages: 100, maxWaitMs: 100 });
    return got.length > 0 ? got : undefined;
  }, { what: 'the slow member to get a batch' });

  // The slow "teacher call": the member does not poll for 2.5 session timeouts while the other one does.
  const until = Date.now() + testGroupTimeouts.sessionTimeoutMs * 2.5;
  const seenByOther: ConsumedMessage[] = [];
  await waitFor(async () => {
    seenByOther.push(...(await other.poll({ maxMessages: 100, maxWaitMs: 100 })));
    return Date.now() >= until;
  }, { timeoutMs: testGroupTimeouts.sessionTimeoutMs * 5, what: 'the slow call to end' });

  await slow.commit(nextPositions(held));
  assert.deepEqual(partitions(slow), before.slow, 'the slow member kept its partitions');
  assert.deepEqual(partitions(other), before.other, 'the other member got none of them');
  const heldPartitions = new Set(held.map((m) => m.partition));
  assert.deepEqual(seenByOther.filter((m) => heldPartitions.has(m.partition)), [], 'nothing the slow member held was redelivered');
  const committed = await slow.committed();
  for (const position of nextPositions(held)) {
    assert.ok(committed.some((c) => c.partition === position.partition && c.offset === position.offset), `commit of partition ${position.partition} accepted`);
  }
  await Promise.all([p.close(), slow.close(), other.close()]);
});
