/**
 * The metered transport counts what passes: records each group reads, records forwarded to each operator's output
 * topic, dropped records and dead letters by reason; the messages themselves pass unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../../../observability/metrics.ts';
import { meteredTransport } from '../../../observability/opened.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import { openTransport } from '../../../streams/open.ts';
import { Topics } from '../../../streams/topics.ts';
import { loadConfig } from '../../../common/config.ts';
import { waitFor } from '../../helpers/wait.ts';
import { deadLetter, dropped } from '../corpus/fixtures.ts';

const codec = defaultRegistry();
const bytes = (s: string) => ({ key: s, value: new TextEncoder().encode(s) });

async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value;
}

test('records in per group, out per operator, dropped and dead letters by reason, queue depth per operator', async () => {
  const metrics = new Metrics();
  const opened = meteredTransport(await openTransport(loadConfig({ env: {}, flags: { dataDir: '/nonexistent' } })), metrics);
  try {
    await opened.createTopics();
    const { transport } = opened;
    const generate = await transport.consumer({ group: 'generate', topics: [Topics.tasks] });
    const producer = transport.producer();
    await producer.send(Topics.tasks, [bytes('a'), bytes('b'), bytes('c')]);
    await producer.send(Topics.instructionsRaw, [bytes('x'), bytes('y')]);
    await producer.send(Topics.dropped, [{ key: 'd1', value: codec.encode('Dropped', dropped(1, { reason: 'near_duplicate' })) }]);
    await producer.send(Topics.dlq, [
      { key: 'l1', value: codec.encode('DeadLetter', deadLetter(1, { operator: 'respond', reason: 'teacher_failed' })) },
      { key: 'l2', value: codec.encode('DeadLetter', deadLetter(2, { operator: 'respond', reason: 'teacher_failed' })) },
      { key: 'bad', value: new Uint8Array([1, 2, 3]) },
    ]);
    assert.equal(await value(metrics, 'lamini_operator_queue_depth', { operator: 'generate' }), 3);
    const got = await generate.poll({ maxMessages: 2, maxWaitMs: 10 });
    assert.deepEqual(got.map((m) => m.key), ['a', 'b'], 'messages pass unchanged');
    assert.equal(await value(metrics, 'lamini_operator_records_in_total', { operator: 'generate' }), 2);
    assert.equal(await value(metrics, 'lamini_operator_records_out_total', { operator: 'planner' }), 3);
    assert.equal(await value(metrics, 'lamini_operator_records_out_total', { operator: 'generate' }), 2);
    await waitFor(async () => (await value(metrics, 'lamini_dead_letters_total', { operator: 'respond', reason: 'teacher_failed' })) === 2, { what: 'dead letters counted' });
    assert.equal(await value(metrics, 'lamini_records_dropped_total', { reason: 'near_duplicate' }), 1);
  } finally {
    await opened.close();
  }
});

test('without metrics the opened transport is returned as it is', async () => {
  const opened = await openTransport(loadConfig({ env: {}, flags: { dataDir: '/nonexistent' } }));
  assert.equal(meteredTransport(opened, undefined), opened);
  await opened.close();
});
