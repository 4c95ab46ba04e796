/**
 * Produce and consume throughput on the Kafka broker, printed as one JSON line: the raw
 * @platformatic/kafka client, kafkajs (the design card's client) side by side as the reference, and
 * our KafkaTransport (the wrapper the runner uses). Runs are interleaved per iteration; medians reported.
 *
 *   node bench/kafka/throughput.ts [--messages 100000] [--bytes 256] [--batch 500] [--iterations 3]
 *
 * Broker: LAMINI_KAFKA_BROKERS, else the test broker from infra/kafka (started if needed).
 * Producers are idempotent with acks=all in every row; consumers read a topic of N messages from the
 * start with a fresh group and no commits.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Admin, Consumer, Producer, ProduceAcks, compatibilityPartitioner } from '@platformatic/kafka';
import { KafkaTransport } from '../../streams/kafka/index.ts';
import { kafkaBrokers, randomName } from '../../test/helpers/kafka.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    bytes: { type: 'string', default: '256' },
    batch: { type: 'string', default: '500' },
    iterations: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '4' },
  },
});
const N = Number(values.messages);
const BYTES = Number(values.bytes);
const BATCH = Number(values.batch);
const ITERATIONS = Number(values.iterations);
const PARTITIONS = Number(values.partitions);

const brokers = await kafkaBrokers();
const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
const payload = Buffer.alloc(BYTES, 0x61);
const keys = Array.from({ length: N }, (_, i) => `key-${i}`);

async function topic(): Promise<string> {
  const name = randomName('bench');
  await admin.createTopics({ topics: [name], partitions: PARTITIONS, replicas: 1 });
  return name;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(N / seconds);
}

// --- @platformatic/kafka, raw
async function platformaticProduce(name: string): Promise<number> {
  const p = new Producer({ clientId: 'bench-plt', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, partitioner: compatibilityPartitioner });
  await p.metadata({ topics: [name] });
  const rate = await timed(async () => {
    for (let i = 0; i < N; i += BATCH) {
      await p.send({ messages: keys.slice(i, i + BATCH).map((k) => ({ topic: name, key: Buffer.from(k), value: payload })) });
    }
  });
  await p.close();
  return rate;
}

async function platformaticConsume(name: string): Promise<number> {
  const c = new Consumer({ clientId: 'bench-plt', groupId: randomName('bench-g'), bootstrapBrokers: brokers, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const rate = await timed(async () => {
    const stream = await c.consume({ topics: [name], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
    let n = 0;
    for await (const _ of stream) if (++n >= N) break;
    await stream.close();
  });
  await c.close(true);
  return rate;
}

// --- kafkajs, raw
const require = createRequire(import.meta.url);
const { Kafka, logLevel, CompressionTypes } = require('kafkajs') as typeof import('kafkajs');
const kafkajs = new Kafka({ clientId: 'bench-kjs', brokers, logLevel: logLevel.NOTHING });

async function kafkajsProduce(name: string): Promise<number> {
  const p = kafkajs.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const rate = await timed(async () => {
    for (let i = 0; i < N; i += BATCH) {
      await p.send({ topic: name, acks: -1, compression: CompressionTypes.None, messages: keys.slice(i, i + BATCH).map((k) => ({ key: k, value: payload })) });
    }
  });
  await p.disconnect();
  return rate;
}

async function kafkajsConsume(name: string): Promise<number> {
  const c = kafkajs.consumer({ groupId: randomName('bench-g'), sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await c.connect();
  await c.subscribe({ topic: name, fromBeginning: true });
  const rate = await timed(async () => {
    let n = 0;
    await new Promise<void>((resolve) => {
      void c.run({ autoCommit: false, eachBatch: async ({ batch }) => { n += batch.messages.length; if (n >= N) resolve(); } });
    });
  });
  await c.disconnect();
  return rate;
}

// --- our KafkaTransport (what the runner sees)
async function transportProduce(name: string): Promise<number> {
  const t = new KafkaTransport({ brokers, clientId: 'bench-t' });
  const p = t.producer();
  const value = new Uint8Array(payload);
  const rate = await timed(async () => {
    for (let i = 0; i < N; i += BATCH) await p.send(name, keys.slice(i, i + BATCH).map((key) => ({ key, value })));
  });
  await t.close();
  return rate;
}

async function transportConsume(name: string): Promise<number> {
  const t = new KafkaTransport({ brokers, clientId: 'bench-t', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 });
  const rate = await timed(async () => {
    const c = await t.consumer({ group: randomName('bench-g'), topics: [name] });
    let n = 0;
    while (n < N) n += (await c.poll({ maxMessages: 1000, maxWaitMs: 500 })).length;
  });
  await t.close();
  return rate;
}

const clients = {
  platformatic: { produce: platformaticProduce, consume: platformaticConsume },
  kafkajs: { produce: kafkajsProduce, consume: kafkajsConsume },
  transport: { produce: transportProduce, consume: transportConsume },
} as const;
type Name = keyof typeof clients;
const samples: Record<Name, { produce: number[]; consume: number[] }> = {
  platformatic: { produce: [], consume: [] },
  kafkajs: { produce: [], consume: [] },
  transport: { produce: [], consume: [] },
};
const loadBefore = loadavg()[0];
// One warm-up round (JIT, connections, group coordinator), not counted.
for (const c of Object.values(clients)) {
  const name = await topic();
  await c.produce(name);
  await c.consume(name);
}
for (let i = 0; i < ITERATIONS; i++) {
  const order = (Object.keys(clients) as Name[]).sort(() => (i % 2 === 0 ? 1 : -1));
  for (const n of order) {
    const name = await topic();
    samples[n].produce.push(await clients[n].produce(name));
    samples[n].consume.push(await clients[n].consume(name));
  }
}
await admin.close();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}
const result = Object.fromEntries(
  (Object.keys(samples) as Name[]).map((n) => [n, {
    produce_msgs_per_s: median(samples[n].produce),
    consume_msgs_per_s: median(samples[n].consume),
    produce_samples: samples[n].produce,
    consume_samples: samples[n].consume,
  }]),
);
console.log(JSON.stringify({
  name: 'kafka-throughput',
  commit,
  broker: 'apache kafka 4.2.0 (KRaft, 1 node, loopback)',
  params: { messages: N, value_bytes: BYTES, batch: BATCH, partitions: PARTITIONS, acks: 'all', idempotent: true },
  iterations: ITERATIONS,
  unit: 'messages/s, median',
  results: result,
  mb_per_s_produce_platformatic: Math.round((median(samples.platformatic.produce) * BYTES) / 1e4) / 100,
  load_avg_1m: { before: loadBefore, after: loadavg()[0] },
  cores: 2,
}));
process.exit(0);
