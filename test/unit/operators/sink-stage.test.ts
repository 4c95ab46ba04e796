import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkBuffer, type SinkBatch } from '../../../operators/sink/sink.ts';
import { sinkStage } from '../../../operators/sink/stage.ts';
import { runStage } from '../../../streams/runner.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import { EmbeddedTransport } from '../../../streams/embedded.ts';
import { PipelineStats } from '../../../streams/stats.ts';
import { Topics } from '../../../streams/topics.ts';
import { waitFor } from '../../helpers/kafka.ts';

const DLQ_DECODE_FAILED = 'dlq_decode_failed';

test('poison in the sink topics: dead letters in the corpus, the dlq topic\'s with their own reason, none sent back, each counted once', async () => {
  const transport = new EmbeddedTransport();
  const codec = defaultRegistry();
  const stats = new PipelineStats();
  const batches: SinkBatch[] = [];
  const stop = new AbortController();
  const sink = sinkStage({
    buffer: new SinkBuffer({ maxRows: 100, maxAgeMs: 0 }, new Set()), now: Date.now,
    store: { commit: async (batch) => void batches.push(batch) },
  });
  const loop = runStage(sink, { transport, codec, stats, signal: stop.signal, topicName: (n) => n });
  const poison = new TextEncoder().encode('not avro');
  const p = transport.producer();
  // The same bytes in all three topics, and twice in the dlq: four messages, four dead letters.
  for (const topic of [Topics.examples, Topics.dropped, Topics.dlq, Topics.dlq]) await p.send(topic, [{ key: 'x', value: poison }]);
  const letters = await waitFor(() => {
    const all = batches.flatMap((b) => b.deadLetters);
    return all.length >= 4 ? all : undefined;
  }, { what: 'four dead letters committed' });
  stop.abort();
  await loop;
  assert.deepEqual(letters.map((d) => `${d.source_topic}@${d.source_offset} ${d.reason}`).sort(), [
    `dlq@0 ${DLQ_DECODE_FAILED}`, `dlq@1 ${DLQ_DECODE_FAILED}`, 'dropped@0 decode_failed', 'examples@0 decode_failed',
  ]);
  assert.ok(letters.every((d) => d.operator === 'sink' && d.message.startsWith('SCHEMA_BAD_MAGIC: ')));
  assert.equal(transport.queueDepth('sink'), 0, 'every message read and committed');
  const dlqEnd = transport.partitions(Topics.dlq).reduce((n, log) => n + log.base + log.entries.length, 0);
  assert.equal(dlqEnd, 2, 'nothing sent back into the dlq topic (no loop)');
  const counters = stats.for('sink');
  assert.deepEqual([counters.total, counters.dead, counters.reasons], [4, 4, { decode_failed: 2, [DLQ_DECODE_FAILED]: 2 }]);
  await transport.close();
});
