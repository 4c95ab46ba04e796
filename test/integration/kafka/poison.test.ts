/**
 * Poison messages on a real broker: bytes that are not Avro, and Avro with an unknown schema
 * fingerprint, written straight into an operator's input topic, become dead letters (with their
 * source topic, partition and offset) through the runner; the valid records around them still pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRegistry } from '../../../schemas/index.ts';
import type { DeadLetter, Instruction } from '../../../schemas/types.ts';
import type { Operator, OperatorOutput } from '../../../streams/operator.ts';
import { runStage } from '../../../streams/runner.ts';
import { operatorStage } from '../../../streams/stage.ts';
import { PipelineStats } from '../../../streams/stats.ts';
import { topicNamer, Topics } from '../../../streams/topics.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';
import { kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';

const instruction = (id: string): Instruction => ({
  id,
  instruction: `say ${id}`,
  input: '',
  instruction_source: 'alpaca',
  generation_mode: 'seed',
  seed_ids: [],
  topics: [],
  task_number: 1,
  task_outputs: 1,
  teacher_model: 'none',
  prompt_version: 'v1',
  prompt_tokens: 0,
  completion_tokens: 0,
  cost_usd: 0,
  created_at: 0,
});

/** Passes instructions through from instructions.raw to instructions.unique. */
const passThrough = (id: string): Operator<typeof Topics.instructionsRaw> => ({
  descriptor: { id, input: Topics.instructionsRaw, outputs: [Topics.instructionsUnique], state: 'none' },
  async process(record): Promise<OperatorOutput> {
    return { emit: [{ topic: Topics.instructionsUnique, key: record.id, record }], dead: [] };
  },
});

test('bytes that are not Avro and unknown fingerprints go to the dead-letter topic; the consumer moves on', async () => {
  const t = await kafkaTransport();
  const codec = defaultRegistry();
  const prefix = `${randomName('poison')}.`;
  const name = topicNamer(prefix);
  await t.createTopics([Topics.instructionsRaw, Topics.instructionsUnique, Topics.dlq].map((n) => ({ name: name(n), partitions: 2 })));

  const good = ['a', 'b', 'c'].map(instruction);
  const notAvro = new TextEncoder().encode('{"this": "is json, not avro"}');
  const unknownFingerprint = Uint8Array.of(0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x41);
  const p = t.producer();
  await p.send(name(Topics.instructionsRaw), [
    { key: 'a', value: codec.encode('Instruction', good[0]!) },
    { key: 'poison-1', value: notAvro },
    { key: 'b', value: codec.encode('Instruction', good[1]!) },
    { key: 'poison-2', value: unknownFingerprint },
    { key: 'c', value: codec.encode('Instruction', good[2]!) },
  ]);

  const opId = randomName('op');
  const stats = new PipelineStats();
  const stop = new AbortController();
  const running = runStage(operatorStage(passThrough(opId), { concurrency: 2 }), { transport: t, codec, stats, signal: stop.signal, topicName: name });

  const read = async (topic: string, count: number): Promise<ConsumedMessage[]> => {
    const c = await t.consumer({ group: randomName('reader'), topics: [topic] });
    const got: ConsumedMessage[] = [];
    await waitFor(async () => {
      got.push(...(await c.poll({ maxMessages: 100, maxWaitMs: 100 })));
      return got.length >= count;
    }, { what: `${count} messages on ${topic}` });
    await c.close();
    return got;
  };
  const dead = (await read(name(Topics.dlq), 2)).map((m) => codec.decode('DeadLetter', m.value) as DeadLetter);
  const passed = (await read(name(Topics.instructionsUnique), 3)).map((m) => (codec.decode('Instruction', m.value) as Instruction).id);

  assert.deepEqual(passed.sort(), ['a', 'b', 'c']);
  assert.equal(dead.length, 2);
  for (const d of dead) {
    assert.equal(d.operator, opId);
    assert.equal(d.reason, 'decode_failed');
    assert.equal(d.source_topic, name(Topics.instructionsRaw));
    assert.ok(d.source_offset >= 0 && (d.source_partition === 0 || d.source_partition === 1));
  }
  assert.deepEqual(dead.map((d) => Buffer.from(d.payload).toString('hex')).sort(), [notAvro, unknownFingerprint].map((b) => Buffer.from(b).toString('hex')).sort());
  assert.match(dead.map((d) => d.message).join('\n'), /SCHEMA_/);

  // The runner committed past the poison: the group has nothing left to read.
  await waitFor(async () => {
    const c = stats.for(opId);
    return c.total === 5 && c.dead === 2 && c.forwarded === 3;
  }, { what: 'the operator counters' });
  stop.abort();
  await running;
  const check = await t.consumer({ group: opId, topics: [name(Topics.instructionsRaw)] });
  assert.equal(await check.lag(), 0, 'every input position committed');
  assert.deepEqual(stats.for(opId).reasons, { decode_failed: 2 });
  await check.close();
  await p.close();
  await t.close();
});
