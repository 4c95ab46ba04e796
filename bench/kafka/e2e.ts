/**
 * End-to-end examples/s of `lamini run --transport kafka` (planner, generate, dedup, respond and sink
 * in one process, through topics on the broker) with a zero-latency scripted teacher, next to the raw
 * @platformatic/kafka produce and consume rate measured in the same run (interleaved per iteration).
 * Prints one JSON line; the ratio e2e / raw is the figure that matters.
 *
 *   node bench/kafka/e2e.ts [--examples 2000] [--iterations 3] [--partitions 4] [--instances 2] [--messages 50000]
 *                           [--windows 0,32]
 *
 * --windows: planning windows (`run.maxTasksInFlight`, 0 = the default) to run side by side in every
 * iteration; the first one is the headline figure. `overshoot` is examples committed past the target.
 *
 * Broker: LAMINI_KAFKA_BROKERS, else the test broker from infra/kafka (started if needed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Admin, Consumer, Producer, ProduceAcks, compatibilityPartitioner } from '@platformatic/kafka';
import { defaultConfig } from '../../common/config.ts';
import { openCorpus } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { runKafka } from '../../pipeline/run.ts';
import { defaultRegistry } from '../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../seeds/index.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import { createTeacher, teacherConfigFromAppConfig } from '../../teacher/index.ts';
import { kafkaBrokers, randomName } from '../../test/helpers/kafka.ts';
import { startUniqueTeacher } from '../pipeline/unique-teacher.ts';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '2000' },
    iterations: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '4' },
    instances: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    messages: { type: 'string', default: '50000' },
    windows: { type: 'string', default: '0' },
  },
});
const EXAMPLES = Number(values.examples);
const ITERATIONS = Number(values.iterations);
const PARTITIONS = Number(values.partitions);
const INSTANCES = Number(values.instances);
const CONCURRENCY = Number(values.concurrency);
const MESSAGES = Number(values.messages);
const WINDOWS = values.windows.split(',').map(Number);

const brokers = await kafkaBrokers();
const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: brokers });
/** Zero latency; every generated instruction gets words of its own (bench/pipeline/unique-teacher.ts). */
const teacherServer = await startUniqueTeacher();
const codec: RecordCodec = defaultRegistry();
const seeds = (await loadSeedPool(mkdtempSync(join(tmpdir(), 'lamini-bench-seeds-')), { includeDefaults: true })).seeds;
const topics = await loadTopics();
const payload = Buffer.alloc(512, 0x61);

async function rawProduceConsume(): Promise<{ produce: number; consume: number }> {
  const name = randomName('bench');
  await admin.createTopics({ topics: [name], partitions: PARTITIONS, replicas: 1 });
  const p = new Producer({ clientId: 'bench-plt', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, partitioner: compatibilityPartitioner });
  await p.metadata({ topics: [name] });
  let t0 = performance.now();
  for (let i = 0; i < MESSAGES; i += 500) {
    await p.send({ messages: Array.from({ length: Math.min(500, MESSAGES - i) }, (_, j) => ({ topic: name, key: Buffer.from(`k${i + j}`), value: payload })) });
  }
  const produce = Math.round(MESSAGES / ((performance.now() - t0) / 1000));
  await p.close();
  const c = new Consumer({ clientId: 'bench-plt', groupId: randomName('bench-g'), bootstrapBrokers: brokers, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  c.on('error', () => {}); // a closed connection during a rejoin is retried by the client; not this bench's subject
  t0 = performance.now();
  const stream = await c.consume({ topics: [name], mode: 'earliest', autocommit: false, maxWaitTime: 500 });
  let n = 0;
  for await (const _ of stream) if (++n >= MESSAGES) break;
  const consume = Math.round(MESSAGES / ((performance.now() - t0) / 1000));
  await stream.close();
  await c.close(true);
  return { produce, consume };
}

/** Whole run (topic setup and group joins included), and steady state: from the first commit to the end. */
interface EndToEnd { window: number; examples_per_s: number; steady_examples_per_s: number; committed: number; overshoot: number; seconds: number; dropped: number }

async function endToEnd(window: number): Promise<EndToEnd> {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-bench-e2e-'));
  const config = defaultConfig();
  config.dataDir = dir;
  config.teacher = { ...config.teacher, baseUrl: teacherServer.baseURL, model: 'scripted', concurrency: CONCURRENCY };
  config.sink = { maxRows: 5000, maxAgeMs: 1000 };
  config.run = { ...config.run, maxTasksInFlight: window };
  const teacher = await createTeacher(teacherConfigFromAppConfig(config.teacher));
  const corpus = await openCorpus(dir);
  try {
    const t0 = performance.now();
    let first: { at: number; committed: number } | undefined;
    const summary = await runKafka({
      config, target: EXAMPLES, store: corpusStore(corpus), teacher, seeds, topics, codec, instances: INSTANCES,
      onProgress: (p) => {
        if (first === undefined && p.committed > 0) first = { at: performance.now(), committed: p.committed };
      },
      kafka: { brokers, partitions: PARTITIONS, prefix: `${randomName('bench')}.`, client: { clientId: 'bench-e2e' } },
    });
    const end = performance.now();
    const seconds = (end - t0) / 1000;
    const steady = first === undefined ? 0 : (summary.committed - first.committed) / ((end - first.at) / 1000);
    return {
      window, examples_per_s: Math.round(summary.committed / seconds), steady_examples_per_s: Math.round(steady),
      committed: summary.committed, overshoot: summary.committed - EXAMPLES, seconds: Math.round(seconds * 10) / 10, dropped: summary.dropped,
    };
  } finally {
    await corpus.close();
    await teacher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0];
await rawProduceConsume(); // warm-up, not counted
const raw: Array<{ produce: number; consume: number }> = [];
const e2e: EndToEnd[] = [];
for (let i = 0; i < ITERATIONS; i++) {
  // Alternate the order so neither side always runs on a warmer (or busier) machine.
  const windows = i % 2 === 0 ? WINDOWS : [...WINDOWS].reverse();
  if (i % 2 === 0) raw.push(await rawProduceConsume());
  for (const w of windows) e2e.push(await endToEnd(w));
  if (i % 2 === 1) raw.push(await rawProduceConsume());
}
await admin.close();
await teacherServer.close();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}
const headline = e2e.filter((r) => r.window === WINDOWS[0]);
const e2eMedian = median(headline.map((r) => r.examples_per_s));
const produceMedian = median(raw.map((r) => r.produce));
const consumeMedian = median(raw.map((r) => r.consume));
console.log(JSON.stringify({
  name: 'kafka-e2e',
  commit,
  broker: 'apache kafka 4.2.0 (KRaft, 1 node, loopback)',
  params: { examples: EXAMPLES, partitions: PARTITIONS, instances: INSTANCES, teacher_concurrency: CONCURRENCY, teacher: 'scripted, zero latency, HTTP on loopback', raw_messages: MESSAGES, raw_value_bytes: 512 },
  iterations: ITERATIONS,
  e2e_examples_per_s: e2eMedian,
  e2e_window: WINDOWS[0],
  e2e_steady_examples_per_s: median(headline.map((r) => r.steady_examples_per_s)),
  e2e_overshoot: median(headline.map((r) => r.overshoot)),
  by_window: WINDOWS.map((w) => {
    const runs = e2e.filter((r) => r.window === w);
    return { window: w, examples_per_s: median(runs.map((r) => r.examples_per_s)), steady_examples_per_s: median(runs.map((r) => r.steady_examples_per_s)), overshoot: median(runs.map((r) => r.overshoot)) };
  }),
  raw_produce_msgs_per_s: produceMedian,
  raw_consume_msgs_per_s: consumeMedian,
  ratio_e2e_to_raw_produce: Math.round((e2eMedian / produceMedian) * 10_000) / 10_000,
  e2e_samples: e2e,
  raw_samples: raw,
  load_avg_1m: { before: loadBefore, after: loadavg()[0] },
  cores: cpus().length,
}));
process.exit(0);
