/**
 * `lamini run --transport kafka` end to end on the real broker against the scripted teacher: planner,
 * generate, dedup, respond and sink in one process talking through topics, with 2 members of the
 * generate and respond groups; N examples committed, none twice. A second run continues the corpus
 * from the manifest's positions and adds no duplicate. Topics and groups get a random prefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committedIds, lamini } from '../../helpers/cli.ts';
import { kafkaBrokers, randomName } from '../../helpers/kafka.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

test('a run on Kafka with 2 generate and 2 respond members commits N examples, none twice; a second run continues', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher();
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-run-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 40, maxAgeMs: 300 }, teacher: { concurrency: 4 },
    kafka: { topicPrefix: `${randomName('lamini-test')}.`, partitions: 4, sessionTimeoutMs: 3000 },
  }));
  const base = ['--data-dir', dir, '--config', config, '--teacher-url', teacher.baseURL, '--model', 'scripted', '--quiet'];
  try {
    const first = await lamini(['run', '--transport', 'kafka', '--brokers', brokers, '--instances', '2', '--target', '150', ...base], {}, 180_000);
    assert.equal(first.code, 0, first.stderr);
    const one = await committedIds(dir);
    assert.ok(one.length >= 150, `committed ${one.length}`);
    assert.equal(new Set(one).size, one.length, 'no example is committed twice');
    const manifest = JSON.parse(readFileSync(join(dir, 'corpus', 'manifest.json'), 'utf8')) as { progress: { positions: Array<{ topic: string }> } };
    assert.ok(manifest.progress.positions.some((p) => p.topic.endsWith('.examples')), 'the manifest holds the Kafka positions of its shards');

    const second = await lamini(['run', '--transport', 'kafka', '--brokers', brokers, '--target', '60', ...base], {}, 180_000);
    assert.equal(second.code, 0, second.stderr);
    const two = await committedIds(dir);
    assert.ok(two.length >= one.length + 60, `committed ${two.length - one.length} more`);
    assert.equal(new Set(two).size, two.length, 'no example is committed twice across runs');
  } finally {
    await teacher.close();
  }
});

test('the kafka transport without brokers, and an unknown operator, are one-line usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-usage-'));
  const noBrokers = await lamini(['run', '--transport', 'kafka', '--data-dir', dir], { LAMINI_BROKERS: '' });
  assert.equal(noBrokers.code, 2, noBrokers.stderr);
  assert.match(noBrokers.stderr, /^lamini: the kafka transport needs brokers: --brokers HOST:PORT/);
  const unknown = await lamini(['operator', 'trainer', '--brokers', '127.0.0.1:1', '--data-dir', dir]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /^lamini: lamini operator NAME: NAME is one of planner, generate, dedup, respond, sink/);
  const topics = await lamini(['topics', 'delete', '--brokers', '127.0.0.1:1']);
  assert.equal(topics.code, 2, topics.stderr);
});
