/**
 * Codec cost of the two wire formats, side by side in one run: encode + decode of Example records with
 * single-object encoding (schemas/codec.ts) and with the Confluent wire format (schemas/confluent/) whose ids
 * come from the schema registry double (every id cached after open, as in a running operator, so no HTTP in the
 * timed loop). Runs are interleaved; prints one JSON line.
 *   node bench/kafka/wire-format.ts [--records 20000] [--iterations 7]
 */
import { loadavg } from 'node:os';
import { ConfluentCodec, RegistryClient } from '../../schemas/confluent/index.ts';
import { defaultRegistry, loadSchemaRegistry, type Example } from '../../schemas/index.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import { startSchemaRegistryDouble } from '../../test/helpers/schema-registry-double.ts';
import { commit, flag } from '../teacher/common.ts';

const records = flag('records', 20_000);
const iterations = flag('iterations', 7);
const example = (i: number): Example => ({
  id: `ex-${i}`, instruction_id: `in-${i}`, instruction: `Explain item ${i} of the water cycle to a ten-year-old.`, input: '',
  response: 'Water evaporates, forms clouds, falls as rain and flows back to the sea. '.repeat(2),
  instruction_source: 'self_instruct_with_topic', generation_mode: 'topic_guided', seed_ids: ['s1', 's2', 's3'],
  topics: ['Weather'], task_number: i, task_outputs: 20, teacher_model: 'gpt-4o-mini', prompt_version: 'lamini-v1',
  prompt_tokens: 120, completion_tokens: 40, cost_usd: 0.00004, created_at: 1_700_000_000_000 + i,
});
const inputs = Array.from({ length: records }, (_, i) => example(i));

async function roundTrips(codec: RecordCodec): Promise<number> {
  const started = process.hrtime.bigint();
  for (const r of inputs) await codec.decode('Example', codec.encode('Example', r));
  return records / (Number(process.hrtime.bigint() - started) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const registry = await startSchemaRegistryDouble();
try {
  const single = defaultRegistry();
  const confluent = await ConfluentCodec.open(new RegistryClient({ url: registry.url }), loadSchemaRegistry(), [{ subject: 'lamini.examples-value', type: 'Example' }]);
  const a: number[] = [];
  const b: number[] = [];
  await roundTrips(single);
  await roundTrips(confluent); // warm-up
  for (let i = 0; i < iterations; i++) {
    a.push(await roundTrips(single));
    b.push(await roundTrips(confluent));
  }
  console.log(JSON.stringify({
    name: 'kafka.wire_format', commit: commit(), node: process.versions.node, load: loadavg()[0]?.toFixed(2),
    params: { records, iterations, record: 'Example', bytes: { single_object: single.encode('Example', inputs[0]!).byteLength, confluent: confluent.encode('Example', inputs[0]!).byteLength } },
    unit: 'encode+decode round trips/s',
    single_object: { median: Math.round(median(a)), samples: a.map(Math.round) },
    confluent: { median: Math.round(median(b)), samples: b.map(Math.round) },
    ratio: Number((median(b) / median(a)).toFixed(3)),
  }));
} finally {
  await registry.close();
}
