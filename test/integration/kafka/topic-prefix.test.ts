/**
 * The topic prefix from a flag or the environment, on the real broker (reported: it could be set only in the
 * config file): `topics create`, `operator planner`, `stats` and `dlq list` take `--topic-prefix` and
 * `LAMINI_TOPIC_PREFIX` (the flag wins); and the planner's log lines say what it does (it joins no group,
 * and names itself once).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP } from '../../../cli/help.ts';
import { loadConfig } from '../../../common/config.ts';
import { defaultRegistry, type DeadLetter } from '../../../schemas/index.ts';
import { Topics } from '../../../streams/topics.ts';
import { lamini, startLamini, stopAll } from '../../helpers/cli.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';

test('regression: --topic-prefix and LAMINI_TOPIC_PREFIX set the prefix of topics create, operator, stats and dlq list', async (t) => {
  const brokers = (await kafkaBrokers()).join(',');
  const dir = mkdtempSync(join(tmpdir(), 'lamini-topic-prefix-'));
  const flag = `${randomName('tp-flag')}.`;
  const env = `${randomName('tp-env')}.`;
  const names = (prefix: string) => Object.values(Topics).map((n) => `${prefix}${n}`).sort();
  const created = (stdout: string) => stdout.trim().split('\n').map((l) => l.split('\t')[0]).sort();

  const byFlag = await lamini(['topics', 'create', '--brokers', brokers, '--partitions', '1', '--topic-prefix', flag, '--data-dir', dir], { LAMINI_TOPIC_PREFIX: env }, 60_000);
  assert.equal(byFlag.code, 0, byFlag.stderr);
  assert.deepEqual(created(byFlag.stdout), names(flag), 'the flag wins over the environment');
  const byEnv = await lamini(['topics', 'create', '--brokers', brokers, '--partitions', '1', '--data-dir', dir], { LAMINI_TOPIC_PREFIX: env }, 60_000);
  assert.equal(byEnv.code, 0, byEnv.stderr);
  assert.deepEqual(created(byEnv.stdout), names(env));

  // The planner, by the environment: it writes <prefix>tasks, says so, and names itself once per line.
  const planner = startLamini(['operator', 'planner', '--brokers', brokers, '--partitions', '1', '--data-dir', dir], { env: { LAMINI_TOPIC_PREFIX: env } });
  t.after(() => stopAll([planner]));
  await waitFor(() => planner.stderr().includes('run seed') || !planner.running, { what: 'the planner\'s first lines' });
  await stopAll([planner]);
  const lines = planner.stderr().split('\n').map((l) => l.replace(/^\S+ /, ''));
  assert.ok(lines.includes(`planner: planning into ${env}tasks on ${brokers} · single-object Avro`), planner.stderr());
  assert.ok(lines.some((l) => /^planner: run seed \d+, first task \d+$/.test(l)), planner.stderr());
  assert.ok(!planner.stderr().includes('joining group') && !planner.stderr().includes('planner: planner:'), planner.stderr());

  // stats reads the groups and topics of the prefix it is given; the corpus has no commit yet.
  const stats = await lamini(['stats', '--transport', 'kafka', '--brokers', brokers, '--topic-prefix', env, '--data-dir', dir], {}, 60_000);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^corpus at manifest sequence 0 \(nothing committed yet\), run seed none$/m);
  assert.match(stats.stdout, new RegExp(`group ${env.replace(/\./g, '\\.')}generate `));
  assert.ok(!stats.stdout.includes('lamini.tasks'), stats.stdout);

  // dlq list reads <prefix>dlq: a letter sent there is counted with the flag, not without it.
  const transport = await kafkaTransport();
  t.after(() => transport.close());
  const letter: DeadLetter = {
    id: 'dl-1', operator: 'respond', reason: 'teacher_http', message: 'HTTP 500', source_topic: `${flag}instructions.unique`,
    source_partition: 0, source_offset: 0, payload: new Uint8Array(), task_number: 1, task_outputs: 1, created_at: 1,
  };
  await transport.producer().send(`${flag}dlq`, [{ key: letter.id, value: defaultRegistry().encode('DeadLetter', letter) }]);
  const list = await lamini(['dlq', 'list', '--transport', 'kafka', '--brokers', brokers, '--topic-prefix', flag, '--data-dir', dir], {}, 60_000);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^teacher_http\s+1\s/m);
});

test('every command that touches topics documents --topic-prefix and LAMINI_TOPIC_PREFIX; the env var sets kafka.topicPrefix', () => {
  for (const command of ['run', 'operator', 'topics', 'stats', 'dlq']) {
    assert.match(HELP[command] ?? '', /--topic-prefix PREFIX/, command);
    assert.match(HELP[command] ?? '', /LAMINI_TOPIC_PREFIX/, command);
  }
  assert.match(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'), /`LAMINI_TOPIC_PREFIX`/);
  assert.equal(loadConfig({ env: { LAMINI_TOPIC_PREFIX: 'mine.' }, cwd: tmpdir() }).kafka.topicPrefix, 'mine.');
  assert.equal(loadConfig({ env: { LAMINI_TOPIC_PREFIX: 'mine.' }, flags: { 'kafka.topicPrefix': 'flag.' }, cwd: tmpdir() }).kafka.topicPrefix, 'flag.');
});
