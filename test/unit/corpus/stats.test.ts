import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusStats, EMBEDDED_LAG_NOTE, formatLag, formatStats, openCorpus } from '../../../corpus/index.ts';
import { deadLetter, dropped, example, tempDataDir } from './fixtures.ts';

test('stats count by source, mode, drop reason and dead-letter operator/reason, from one manifest', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  await corpus.commit({
    examples: [example(1), example(2), example(3)],
    dropped: [dropped(1), dropped(2), dropped(4)],
    deadLetters: [deadLetter(1), deadLetter(2, { operator: 'respond', reason: 'teacher_timeout' })],
    doneTasks: [0, 1, 2, 4],
    runSeed: 5,
  });
  await corpus.commit({ examples: [example(5, { instruction_source: 'alpaca', generation_mode: 'seed', cost_usd: 0.5 })] });
  await corpus.close();

  const stats = await corpusStats(dir);
  assert.deepEqual(JSON.parse(JSON.stringify(stats)), stats, 'JSON-serialisable');
  assert.equal(stats.manifest_sequence, 2);
  assert.equal(stats.run_seed, 5);
  assert.equal(stats.task_watermark, 2);
  assert.equal(stats.done_tasks_above, 1);
  assert.deepEqual(stats.examples, {
    total: 4,
    by_instruction_source: { generated_p3: 2, alpaca: 1, self_instruct_with_topic: 1 },
    by_generation_mode: { example_guided: 2, seed: 1, topic_guided: 1 },
  });
  assert.deepEqual(stats.dropped, { total: 3, by_reason: { exact: 2, minhash: 1 } });
  assert.deepEqual(stats.dead_letters, {
    total: 2,
    by_operator: { generate: 1, respond: 1 },
    by_reason: { teacher_no_examples: 1, teacher_timeout: 1 },
  });
  assert.deepEqual(stats.tokens, { prompt: 40, completion: 80 });
  assert.ok(Math.abs(stats.cost_usd - 0.503) < 1e-12);
  assert.deepEqual(
    Object.fromEntries(Object.entries(stats.shards).map(([k, v]) => [k, [v.shards, v.rows]])),
    { examples: [2, 4], dead_letters: [1, 2], dropped: [1, 3] },
  );
  const text = formatStats(stats);
  assert.match(text, /manifest sequence 2/);
  assert.match(text, /examples: 4\n  by instruction_source:\n    generated_p3 +2  50\.0%/);
  assert.match(text, /dead letters: 2/);
});

test('stats of an empty data dir are zeros, not an error', async (t) => {
  const dir = await tempDataDir(t);
  const stats = await corpusStats(dir);
  assert.equal(stats.manifest_sequence, 0);
  assert.equal(stats.task_watermark, -1);
  assert.deepEqual(stats.examples.by_instruction_source, {});
  assert.match(formatStats(stats), /examples: 0/);
});

test('lag per operator: one line per group with state, members and lag, one per input topic', () => {
  const topic = (name: string, partitions: number, committed: number, end: number, withCommit = partitions) =>
    ({ topic: name, partitions, committed, committedPartitions: withCommit, end, lag: end - committed });
  const text = formatLag({
    transport: 'kafka', brokers: ['127.0.0.1:9092'], operators: [
      { operator: 'generate', group: 'lamini.generate', state: 'Stable', members: 2, lag: 12, topics: [topic('lamini.tasks', 4, 88, 100)] },
      { operator: 'sink', group: 'lamini.sink', state: 'Empty', members: 1, lag: 5, topics: [
        topic('lamini.examples', 4, 0, 5, 0), { ...topic('lamini.dlq', 0, 0, 0), committedPartitions: 0 },
      ] },
    ],
  });
  assert.equal(text, [
    'lag per operator (kafka 127.0.0.1:9092): committed and log-end offsets summed over partitions',
    '  generate  group lamini.generate  Stable, 2 members  lag 12',
    '    lamini.tasks     4 partitions  committed 88  end 100  lag 12',
    '  sink      group lamini.sink      Empty, 1 member  lag 5',
    '    lamini.examples  4 partitions  committed none  end 5  lag 5',
    '    lamini.dlq       no such topic yet',
  ].join('\n') + '\n');
  assert.equal(formatLag({ transport: 'embedded', note: EMBEDDED_LAG_NOTE }), `${EMBEDDED_LAG_NOTE}\n`);
});
