/**
 * A broker that goes away and comes back (same port, same data): the producer's send and the
 * consumer's poll and commit wait and carry on; nothing committed is lost, nothing is read twice by
 * a member that keeps its positions. Runs on a broker of its own so the other test files are not
 * disturbed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KafkaTransport } from '../../../streams/kafka/index.ts';
import type { ConsumedMessage, Consumer } from '../../../streams/transport.ts';
import { randomName, startBroker, stopBroker, testGroupTimeouts, testStateDir, waitFor } from '../../helpers/kafka.ts';

const stateDir = join(testStateDir, '..', 'restart-broker');
const msg = (key: string) => ({ key, value: new TextEncoder().encode(key) });

after(async () => {
  await stopBroker(stateDir);
});

async function pollUntil(c: Consumer, count: number, into: ConsumedMessage[], timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => {
    into.push(...(await c.poll({ maxMessages: 100, maxWaitMs: 200 })));
    return into.length >= count;
  }, { what: `${count} messages`, timeoutMs });
}

test('send, poll and commit wait through a broker crash and restart', async () => {
  await stopBroker(stateDir, { kill: true }); // a leftover from an interrupted run
  const brokers = await startBroker(stateDir, { LAMINI_KAFKA_HEAP: '512m' });
  const t = new KafkaTransport({ brokers, clientId: 'lamini-test', retryCapMs: 90_000, ...testGroupTimeouts });
  const topic = randomName('restart');
  const group = randomName('g');
  await t.createTopics([{ name: topic, partitions: 2 }]);
  const c = await t.consumer({ group, topics: [topic] });
  const p = t.producer();
  await p.send(topic, Array.from({ length: 10 }, (_, i) => msg(`before-${i}`)));
  const before: ConsumedMessage[] = [];
  await pollUntil(c, 10, before);
  await c.commit([0, 1].map((partition) => ({ topic, partition, offset: before.filter((m) => m.partition === partition).length })));

  await stopBroker(stateDir, { kill: true });
  // While the broker is down: a send waits (retrying), and a poll comes back empty instead of failing.
  const sending = p.send(topic, Array.from({ length: 10 }, (_, i) => msg(`after-${i}`)));
  assert.deepEqual(await c.poll({ maxMessages: 10, maxWaitMs: 300 }), []);
  const again = await startBroker(stateDir, { LAMINI_KAFKA_HEAP: '512m' });
  assert.deepEqual(again, brokers, 'the broker came back on its port');
  await sending;

  const after: ConsumedMessage[] = [];
  await pollUntil(c, 10, after);
  assert.deepEqual(after.map((m) => m.key).sort(), Array.from({ length: 10 }, (_, i) => `after-${i}`).sort());
  await c.commit([0, 1].map((partition) => ({ topic, partition, offset: [...before, ...after].filter((m) => m.partition === partition).length })));
  assert.equal(await c.lag(), 0);
  await t.close();
});
