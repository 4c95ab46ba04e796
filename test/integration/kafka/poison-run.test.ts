/**
 * Poison during a whole `lamini run --transport kafka` (scripted teacher): while the run is under way,
 * three kinds of poison are written straight into every topic an operator consumes (tasks,
 * instructions.raw, instructions.unique, examples, dropped and dlq itself): bytes that are not Avro, an
 * Avro single-object record with an unknown schema fingerprint, and a valid record of the wrong schema
 * for that topic. The same poison bytes go into every topic, so a dead letter must be told apart by
 * where it came from. The run still reaches its target, every poison message is a dead letter in the
 * corpus exactly once, with its operator, reason code, source topic, partition and offset, and the
 * counts per topic and reason match what was injected; nothing is left unread in any group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CorpusStats, LagStats } from '../../../corpus/index.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import type { DeadLetter, RecordTypeName } from '../../../schemas/types.ts';
import { Topics, type TopicName } from '../../../streams/topics.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';
import { lamini } from '../../helpers/cli.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const samples = JSON.parse(readFileSync(new URL('../../fixtures/schemas/samples.json', import.meta.url), 'utf8')) as Record<string, object[]>;

/** Who reads each topic, the reason its poison gets, and a record type that does not belong there. */
const CONSUMED: ReadonlyArray<{ topic: TopicName; operator: string; reason: string; wrongType: RecordTypeName }> = [
  { topic: Topics.tasks, operator: 'generate', reason: 'decode_failed', wrongType: 'Seed' },
  { topic: Topics.instructionsRaw, operator: 'dedup', reason: 'decode_failed', wrongType: 'GenerationTask' },
  { topic: Topics.instructionsUnique, operator: 'respond', reason: 'decode_failed', wrongType: 'Example' },
  { topic: Topics.examples, operator: 'sink', reason: 'decode_failed', wrongType: 'Instruction' },
  { topic: Topics.dropped, operator: 'sink', reason: 'decode_failed', wrongType: 'Example' },
  { topic: Topics.dlq, operator: 'sink', reason: 'dlq_decode_failed', wrongType: 'Instruction' },
];

interface Poison {
  topic: string;
  key: string;
  value: Uint8Array;
  operator: string;
  reason: string;
  /** The error code the dead letter's message starts with. */
  code: string;
}

/** A dead_letters row as `lamini query` prints it, the payload in hex. */
type DeadLetterRow = Omit<DeadLetter, 'id' | 'payload' | 'task_number' | 'task_outputs' | 'created_at'> & { payload: string };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

test('poison written into every consumed topic during a Kafka run: each one a dead letter exactly once, counted per topic and reason', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const codec = defaultRegistry();
  let inject!: () => void;
  const injected = new Promise<void>((resolve) => (inject = resolve));
  // The teacher holds its first answers until the poison is in, so it lands while the run is under way.
  const teacher = await startScriptedTeacher({ script: async (ctx) => (await injected, ctx.fallback()) });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-poison-run-'));
  const prefix = `${randomName('lamini-poison')}.`;
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 40, maxAgeMs: 300 }, teacher: { concurrency: 2 },
    kafka: { topicPrefix: prefix, partitions: 2, sessionTimeoutMs: 3000 },
  }));
  const base = ['--data-dir', dir, '--config', config];
  const t = await kafkaTransport();
  try {
    const run = lamini(['run', '--transport', 'kafka', '--brokers', brokers, '--target', '60', '--teacher-url', teacher.baseURL,
      '--model', 'scripted', '--quiet', ...base], {}, 240_000);
    await waitFor(() => teacher.count > 0, { timeoutMs: 60_000, what: 'the run to ask the teacher' });

    const notAvro = new TextEncoder().encode('{"this": "is json, not avro"}');
    const unknownFingerprint = Uint8Array.of(0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x41);
    const poison: Poison[] = CONSUMED.flatMap(({ topic, operator, reason, wrongType }) => [
      { kind: 'not-avro', value: notAvro, code: 'SCHEMA_BAD_MAGIC' },
      { kind: 'unknown-fingerprint', value: unknownFingerprint, code: 'SCHEMA_UNKNOWN_FINGERPRINT' },
      { kind: 'wrong-schema', value: codec.encode(wrongType, samples[wrongType]![0]! as never), code: 'SCHEMA_INCOMPATIBLE' },
    ].map((p) => ({ topic: `${prefix}${topic}`, key: `poison-${topic}-${p.kind}`, value: p.value, operator, reason, code: p.code })));
    const producer = t.producer();
    for (const p of poison) await producer.send(p.topic, [{ key: p.key, value: p.value }]);
    await producer.close();
    inject();

    const result = await run;
    assert.equal(result.code, 0, result.stderr);

    // Where each poison message landed, read back from the topics.
    const reader = await t.consumer({ group: randomName('poison-reader'), topics: [...new Set(poison.map((p) => p.topic))] });
    const at = new Map<string, ConsumedMessage>();
    await waitFor(async () => {
      for (const m of await reader.poll({ maxMessages: 1000, maxWaitMs: 200 })) if (m.key.startsWith('poison-')) at.set(`${m.topic}/${m.key}`, m);
      return at.size === poison.length;
    }, { timeoutMs: 30_000, what: 'the poison messages read back' });
    await reader.close();

    const q = await lamini(['query', `select operator, reason, message, source_topic, source_partition, source_offset, hex(payload) as payload
      from dead_letters where task_number = -1`, '--format', 'json', ...base]);
    assert.equal(q.code, 0, q.stderr);
    const rows = JSON.parse(q.stdout) as DeadLetterRow[];
    for (const p of poison) {
      const m = at.get(`${p.topic}/${p.key}`)!;
      const found = rows.filter((r) => r.source_topic === p.topic && r.source_partition === m.partition && r.source_offset === m.offset);
      assert.equal(found.length, 1, `${p.key}: ${found.length} dead letters`);
      const row = found[0]!;
      assert.deepEqual([row.operator, row.reason, row.payload], [p.operator, p.reason, hex(p.value)], p.key);
      assert.ok(row.message.startsWith(`${p.code}: `), `${p.key}: ${row.message}`);
    }
    assert.equal(rows.length, poison.length, 'no dead letter without a task other than the poison');

    const count = (list: Array<{ source_topic?: string; topic?: string; reason: string }>): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const x of list) out[`${x.source_topic ?? x.topic} ${x.reason}`] = (out[`${x.source_topic ?? x.topic} ${x.reason}`] ?? 0) + 1;
      return out;
    };
    assert.deepEqual(count(rows), count(poison));

    const s = await lamini(['stats', '--json', '--transport', 'kafka', '--brokers', brokers, ...base]);
    assert.equal(s.code, 0, s.stderr);
    const stats = JSON.parse(s.stdout) as CorpusStats & { lag: LagStats };
    assert.ok(stats.examples.total >= 60, `examples ${stats.examples.total}`);
    assert.equal(stats.dead_letters.by_reason.dlq_decode_failed, 3);
    assert.ok(stats.lag.transport === 'kafka');
    assert.deepEqual(stats.lag.operators.map((o) => [o.operator, o.lag]), [['generate', 0], ['dedup', 0], ['respond', 0], ['sink', 0]],
      'every message in every consumed topic, poison included, was read and committed');
  } finally {
    inject();
    await t.close();
    await teacher.close();
  }
});
