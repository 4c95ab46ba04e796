/**
 * `lamini stats --transport kafka` on the real broker: N messages in the generate group's input topic,
 * M of them committed by a member of that group, and stats shows lag N − M for generate (read through
 * the admin API, with the member still in the group and after it left). A broker that cannot be reached
 * is a one-line error within a bounded time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics } from '../../../streams/topics.ts';
import { nextPositions, type ConsumedMessage } from '../../../streams/transport.ts';
import type { LagStats } from '../../../corpus/index.ts';
import { lamini } from '../../helpers/cli.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';

type KafkaLag = Extract<LagStats, { transport: 'kafka' }>;

async function statsLag(args: string[]): Promise<KafkaLag> {
  const r = await lamini(['stats', '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  const lag = (JSON.parse(r.stdout) as { lag: LagStats }).lag;
  assert.equal(lag.transport, 'kafka');
  return lag as KafkaLag;
}

test('lamini stats --transport kafka shows lag N - M for the operator whose group committed M of N', async (ctx) => {
  const brokers = (await kafkaBrokers()).join(',');
  const prefix = `${randomName('lamini-lag')}.`;
  const dir = mkdtempSync(join(tmpdir(), 'lamini-stats-lag-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ kafka: { topicPrefix: prefix } }));
  const args = ['--transport', 'kafka', '--brokers', brokers, '--config', config, '--data-dir', dir];

  const t = await kafkaTransport();
  // Closed however the test ends: a failed assertion must not leave a member that keeps the process alive.
  let member: Awaited<ReturnType<typeof t.consumer>> | undefined;
  ctx.after(async () => {
    await member?.close();
    await t.close();
  });
  const tasks = `${prefix}tasks`;
  await t.createTopics(allTopics((n) => `${prefix}${n}`, 2));
  const N = 10;
  const M = 3;
  const p = t.producer();
  await p.send(tasks, Array.from({ length: N }, (_, i) => ({ key: `k${i}`, value: Uint8Array.of(i) })));
  await p.close();

  const joined = await t.consumer({ group: `${prefix}generate`, topics: [tasks] });
  member = joined;
  const got: ConsumedMessage[] = [];
  await waitFor(async () => {
    got.push(...(await joined.poll({ maxMessages: 100, maxWaitMs: 200 })));
    return got.length >= N;
  }, { what: `${N} messages` });
  // A prefix of each partition's messages, M in all: partition by partition, in offset order.
  const firstM = [...got].sort((a, b) => a.partition - b.partition || a.offset - b.offset).slice(0, M);
  await joined.commit(nextPositions(firstM));

  const live = await statsLag(args);
  const generate = live.operators.find((o) => o.operator === 'generate');
  assert.ok(generate !== undefined, JSON.stringify(live));
  assert.equal(generate.group, `${prefix}generate`);
  assert.equal(generate.lag, N - M);
  assert.deepEqual(generate.topics.map((x) => [x.topic, x.partitions, x.committed, x.end, x.lag]), [[tasks, 2, M, N, N - M]]);
  assert.equal(generate.members, 1, 'the member is still in the group: stats read it without joining');
  assert.equal(generate.state, 'Stable');
  assert.deepEqual(live.operators.map((o) => [o.operator, o.lag]), [['generate', N - M], ['dedup', 0], ['respond', 0], ['sink', 0]]);
  assert.deepEqual(live.operators.find((o) => o.operator === 'sink')!.topics.map((x) => x.topic), ['examples', 'dropped', 'dlq', 'teacher-requests'].map((n) => `${prefix}${n}`));

  member = undefined;
  await joined.close();
  const after = await statsLag(args);
  const left = after.operators.find((o) => o.operator === 'generate')!;
  assert.equal(left.lag, N - M, 'committed offsets outlive the member');
  assert.equal(left.members, 0);

  const text = await lamini(['stats', ...args]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`generate\\s+group ${prefix.replace(/\./g, '\\.')}generate\\s+Empty, 0 members\\s+lag ${N - M}`));
  assert.match(text.stdout, new RegExp(`${tasks.replace(/\./g, '\\.')}\\s+2 partitions\\s+committed ${M}\\s+end ${N}\\s+lag ${N - M}`));
});

test('lamini stats with a broker that cannot be reached is a one-line error within the timeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-stats-down-'));
  const started = Date.now();
  const r = await lamini(['stats', '--transport', 'kafka', '--brokers', '127.0.0.1:1', '--timeout', '2', '--data-dir', dir], {}, 30_000);
  const took = Date.now() - started;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^lamini: kafka: .*127\.0\.0\.1:1 failed \(connect ECONNREFUSED/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal(r.stdout, '', 'no half-printed stats');
  assert.ok(took < 20_000, `took ${took} ms`);
});

test('lamini stats with the embedded transport says where lag shows; kafka without brokers is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-stats-embedded-'));
  const r = await lamini(['stats', '--data-dir', dir], { LAMINI_TRANSPORT: '' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^lag per operator: the embedded transport queues inside "lamini run"; its progress line shows/m);
  const json = await lamini(['stats', '--json', '--data-dir', dir]);
  assert.equal((JSON.parse(json.stdout) as { lag: LagStats }).lag.transport, 'embedded');
  const noBrokers = await lamini(['stats', '--transport', 'kafka', '--data-dir', dir], { LAMINI_BROKERS: '' });
  assert.equal(noBrokers.code, 2, noBrokers.stderr);
  assert.match(noBrokers.stderr, /^lamini: the kafka transport needs brokers/);
});
