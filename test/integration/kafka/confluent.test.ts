/**
 * The Confluent wire format on the real broker, against the schema registry double (test/helpers: no real
 * registry installs from the package registries reachable here, decision 0007): a `lamini run` with
 * `--wire-format confluent` registers every topic's subject (and sets it to FULL_TRANSITIVE), writes magic 0
 * + schema id, and commits its examples; a message with an id the registry does not know becomes a dead
 * letter `unknown_schema_id`; a registry that cannot be reached, or a subject that refuses our schema, stops
 * the command with one line that starts with its code, holds no password, and (refused) registers nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLaminiError } from '../../../common/errors.ts';
import type { Operator, OperatorOutput } from '../../../streams/operator.ts';
import { ConfluentCodec, confluentHeader, LAMINI_COMPATIBILITY, readConfluentFrame, RegistryClient } from '../../../schemas/confluent/index.ts';
import { defaultRegistry, loadSchemaRegistry, type DeadLetter, type Instruction } from '../../../schemas/index.ts';
import { runStage } from '../../../streams/runner.ts';
import { operatorStage } from '../../../streams/stage.ts';
import { PipelineStats } from '../../../streams/stats.ts';
import { topicNamer, Topics } from '../../../streams/topics.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';
import { lamini } from '../../helpers/cli.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';
import { startSchemaRegistryDouble } from '../../helpers/schema-registry-double.ts';
import { startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

const PASSWORD = 'reg-secret-pw-7f3a';

async function readTopic(topic: string, count: number): Promise<ConsumedMessage[]> {
  const t = await kafkaTransport();
  const c = await t.consumer({ group: randomName('reader'), topics: [topic] });
  const got: ConsumedMessage[] = [];
  try {
    await waitFor(async () => {
      got.push(...(await c.poll({ maxMessages: 500, maxWaitMs: 100 })));
      return got.length >= count;
    }, { what: `${count} messages on ${topic}` });
  } finally {
    await c.close();
    await t.close();
  }
  return got;
}

test('a Kafka run with --wire-format confluent registers its subjects, writes schema ids and commits N examples', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  const teacher = await startScriptedTeacher();
  const registry = await startSchemaRegistryDouble({ username: 'lamini', password: PASSWORD, firstId: 1000 });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-confluent-run-'));
  const prefix = `${randomName('lamini-cf')}.`;
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 20, maxAgeMs: 300 }, teacher: { concurrency: 4 },
    kafka: { topicPrefix: prefix, partitions: 2, sessionTimeoutMs: 3000, schemaRegistryUser: 'lamini' },
  }));
  try {
    const run = await lamini([
      'run', '--transport', 'kafka', '--brokers', brokers, '--wire-format', 'confluent', '--schema-registry', registry.url,
      '--target', '30', '--data-dir', dir, '--config', config, '--teacher-url', teacher.baseURL, '--model', 'scripted',
    ], { LAMINI_SCHEMA_REGISTRY_PASSWORD: PASSWORD }, 180_000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`confluent wire format, schema registry ${registry.url.replace(/\./g, '\\.')}`));
    assert.ok(!run.stderr.includes(PASSWORD) && !run.stdout.includes(PASSWORD), 'the password is never printed');

    const query = await lamini(['query', 'select id from examples', '--format', 'json', '--data-dir', dir]);
    assert.equal(query.code, 0, query.stderr);
    const ids = (JSON.parse(query.stdout) as Array<{ id: string }>).map((x) => x.id);
    assert.ok(ids.length >= 30, `committed ${ids.length}`);
    assert.equal(new Set(ids).size, ids.length, 'no example is committed twice');

    const subjects = registry.subjects();
    assert.deepEqual([...subjects.keys()].sort(), Object.values(Topics).map((t) => `${prefix}${t}-value`).sort(), 'TopicNameStrategy subjects');
    for (const subject of subjects.keys()) assert.equal(registry.compatibility(subject), LAMINI_COMPATIBILITY, subject);
    const exampleId = subjects.get(`${prefix}examples-value`)?.[0];
    assert.ok(exampleId !== undefined && exampleId >= 1000);
    const onTopic = await readTopic(`${prefix}examples`, ids.length);
    for (const m of onTopic) {
      assert.equal(m.value[0], 0, 'magic byte 0');
      assert.equal(readConfluentFrame(m.value).id, exampleId);
    }
    assert.ok(registry.requests.every((r) => r.status !== 401), 'every request carried the credentials');
  } finally {
    await registry.close();
    await teacher.close();
  }
});

/** Passes instructions through from instructions.raw to instructions.unique. */
const passThrough = (id: string): Operator<typeof Topics.instructionsRaw> => ({
  descriptor: { id, input: Topics.instructionsRaw, outputs: [Topics.instructionsUnique], state: 'none' },
  async process(record): Promise<OperatorOutput> {
    return { emit: [{ topic: Topics.instructionsUnique, key: record.id, record }], dead: [] };
  },
});

const instruction = (id: string): Instruction => ({
  id, instruction: `say ${id}`, input: '', instruction_source: 'alpaca', generation_mode: 'seed', seed_ids: [], topics: [],
  task_number: 1, task_outputs: 1, teacher_model: 'none', prompt_version: 'v1', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, created_at: 0,
});

test('an unknown schema id is a dead letter unknown_schema_id, the rest pass; a registry gone mid-run stops the operator', async () => {
  const registry = await startSchemaRegistryDouble();
  const t = await kafkaTransport();
  const prefix = `${randomName('cf-poison')}.`;
  const name = topicNamer(prefix);
  await t.createTopics([Topics.instructionsRaw, Topics.instructionsUnique, Topics.dlq].map((n) => ({ name: name(n), partitions: 2 })));
  const subjects = [Topics.instructionsRaw, Topics.instructionsUnique].map((n) => ({ subject: `${name(n)}-value`, type: 'Instruction' as const }));
  const client = new RegistryClient({ url: registry.url, retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 } });
  const codec = await ConfluentCodec.open(client, loadSchemaRegistry(), [...subjects, { subject: `${name(Topics.dlq)}-value`, type: 'DeadLetter' }]);
  // Another producer's codec: its records carry ids this operator's codec has not seen yet (looked up by id).
  const other = await ConfluentCodec.open(client, loadSchemaRegistry(), subjects);

  const unknownId = Buffer.concat([confluentHeader(987_654), Uint8Array.of(2, 0x41)]);
  const singleObject = defaultRegistry().encode('Instruction', instruction('so'));
  const p = t.producer();
  await p.send(name(Topics.instructionsRaw), [
    { key: 'a', value: codec.encode('Instruction', instruction('a')) },
    { key: 'poison-1', value: unknownId },
    { key: 'b', value: other.encode('Instruction', instruction('b')) },
    { key: 'poison-2', value: singleObject },
    { key: 'c', value: codec.encode('Instruction', instruction('c')) },
  ]);

  const opId = randomName('op');
  const stats = new PipelineStats();
  const stop = new AbortController();
  const running = runStage(operatorStage(passThrough(opId), { concurrency: 2 }), { transport: t, codec, stats, signal: stop.signal, topicName: name });
  try {
    const dead = await Promise.all((await readTopic(name(Topics.dlq), 2)).map(async (m) => (await codec.decode('DeadLetter', m.value)) as DeadLetter));
    const passed = await Promise.all((await readTopic(name(Topics.instructionsUnique), 3)).map(async (m) => ((await codec.decode('Instruction', m.value)) as Instruction).id));
    assert.deepEqual(passed.sort(), ['a', 'b', 'c']);
    const byReason = new Map(dead.map((d) => [d.reason, d]));
    assert.deepEqual([...byReason.keys()].sort(), ['decode_failed', 'unknown_schema_id']);
    const unknown = byReason.get('unknown_schema_id')!;
    assert.equal(Buffer.from(unknown.payload).toString('hex'), unknownId.toString('hex'));
    assert.equal(unknown.source_topic, name(Topics.instructionsRaw));
    assert.match(unknown.message, /^SCHEMA_UNKNOWN_ID: the schema registry has no schema with id 987654$/);
    assert.match(byReason.get('decode_failed')!.message, /^SCHEMA_BAD_MAGIC: not a Confluent wire-format message \(starts with "c301"/);
    await waitFor(() => stats.for(opId).total === 5, { what: 'the operator counters' });
    assert.deepEqual(stats.for(opId).reasons, { unknown_schema_id: 1, decode_failed: 1 });

    // The registry goes away; a record with an id not seen yet cannot be checked: the operator stops with the
    // registry's error instead of dead-lettering a record that may be fine, and does not commit past it.
    await registry.close();
    const elsewhere = await startSchemaRegistryDouble({ firstId: 5000 });
    const late = await ConfluentCodec.open(new RegistryClient({ url: elsewhere.url }), loadSchemaRegistry(), subjects);
    await elsewhere.close();
    await p.send(name(Topics.instructionsRaw), [{ key: 'd', value: late.encode('Instruction', instruction('d')) }]);
    await assert.rejects(running, (e: unknown) => isLaminiError(e, 'SCHEMA_REGISTRY_UNAVAILABLE'));
    assert.equal(stats.for(opId).total, 5, 'the record was neither passed on nor dead-lettered');
    const check = await t.consumer({ group: opId, topics: [name(Topics.instructionsRaw)] });
    assert.equal(await check.lag(), 1, 'its position is not committed: a restart reads it again');
    await check.close();
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await p.close();
    await t.close();
    await registry.close();
  }
});

test('a schema registry that cannot be reached stops run and operator with one line and exit 1; no URL is a config error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-confluent-down-'));
  const gone = await startSchemaRegistryDouble();
  await gone.close(); // a port nothing listens on
  const down = await lamini([
    'run', '--transport', 'kafka', '--brokers', '127.0.0.1:1', '--wire-format', 'confluent', '--schema-registry', gone.url,
    '--data-dir', dir, '--quiet',
  ], { LAMINI_SCHEMA_REGISTRY_USER: 'lamini', LAMINI_SCHEMA_REGISTRY_PASSWORD: PASSWORD }, 90_000);
  assert.equal(down.code, 1, down.stderr);
  const last = down.stderr.trim().split('\n').at(-1) ?? '';
  assert.equal(last, `lamini: SCHEMA_REGISTRY_UNAVAILABLE: schema registry ${gone.url}: POST /compatibility/subjects/lamini.seeds-value/versions/latest?verbose=true: unreachable (ECONNREFUSED)`);
  assert.ok(!down.stderr.includes(PASSWORD));
  const operator = await lamini(['operator', 'dedup', '--brokers', '127.0.0.1:1', '--wire-format', 'confluent', '--schema-registry', gone.url, '--data-dir', dir], {}, 90_000);
  assert.equal(operator.code, 1, operator.stderr);
  assert.match(operator.stderr.trim().split('\n').at(-1) ?? '', /^lamini: SCHEMA_REGISTRY_UNAVAILABLE: schema registry http:\/\/127\.0\.0\.1:\d+: POST \/compatibility\/subjects\/lamini\.seeds-value\/versions\/latest\?verbose=true: unreachable \(ECONNREFUSED\)$/);

  const noUrl = await lamini(['run', '--transport', 'kafka', '--brokers', '127.0.0.1:1', '--wire-format', 'confluent', '--data-dir', dir]);
  assert.equal(noUrl.code, 2, noUrl.stderr);
  assert.match(noUrl.stderr, /^lamini: invalid configuration: kafka\.schemaRegistryUrl must be set when kafka\.wireFormat is confluent/);
});

test('regression: a subject that refuses our schema stops run, operator and dlq replay with SCHEMA_REGISTRY_INCOMPATIBLE, nothing registered; --topic-prefix and LAMINI_TOPIC_PREFIX name the subjects', async (t) => {
  // Reported: lamini.tasks-value was refused after four other subjects had been registered, and the line
  // that said so had no code. No broker is needed: the registry is opened before Kafka is touched.
  const registry = await startSchemaRegistryDouble();
  t.after(() => registry.close());
  const dir = mkdtempSync(join(tmpdir(), 'lamini-confluent-refused-'));
  const prefix = `${randomName('cf-refused')}.`;
  registry.register(`${prefix}tasks-value`, JSON.stringify({ type: 'record', name: 'GenerationTask', namespace: 'lamini', fields: [{ name: 'x', type: 'int' }] }));
  const registryArgs = ['--brokers', '127.0.0.1:1', '--wire-format', 'confluent', '--schema-registry', registry.url, '--data-dir', dir];
  const expected = new RegExp(`^lamini: SCHEMA_REGISTRY_INCOMPATIBLE: schema registry ${registry.url.replace(/\./g, '\\.')}: 1 of 8 subjects refuse ` +
    `lamini's current schema, so none was registered: ${prefix.replace(/\./g, '\\.')}tasks-value \\(GenerationTask\\); the registry says: ${prefix.replace(/\./g, '\\.')}tasks-value: BACKWARD: `);
  const runs = [
    await lamini(['run', '--transport', 'kafka', ...registryArgs, '--topic-prefix', prefix, '--quiet'], {}, 90_000),
    await lamini(['operator', 'generate', ...registryArgs], { LAMINI_TOPIC_PREFIX: prefix }, 90_000),
    // The flag wins over the environment.
    await lamini(['dlq', 'replay', '--transport', 'kafka', ...registryArgs, '--topic-prefix', prefix], { LAMINI_TOPIC_PREFIX: 'elsewhere.' }, 90_000),
  ];
  for (const r of runs) {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr.trim().split('\n').at(-1) ?? '', expected);
  }
  assert.deepEqual([...registry.subjects().keys()], [`${prefix}tasks-value`], 'no subject was registered');
  assert.deepEqual(registry.requests.filter((r) => r.method !== 'POST' || !r.path.startsWith('/compatibility/')), [], 'only checks were sent');
  const checked = new Set(registry.requests.map((r) => decodeURIComponent(r.path.split('/')[3] ?? '')));
  assert.deepEqual([...checked].sort(), Object.values(Topics).map((n) => `${prefix}${n}-value`).sort(), 'every subject checked, all with the prefix');
});

test('regression: dlq list and replay --dry-run with the Confluent wire format only read the registry (no POST), so read-only credentials do', async (t) => {
  const registry = await startSchemaRegistryDouble();
  t.after(() => registry.close());
  const transport = await kafkaTransport();
  t.after(() => transport.close());
  const dir = mkdtempSync(join(tmpdir(), 'lamini-confluent-dlq-'));
  const prefix = `${randomName('cf-dlq')}.`;
  const name = topicNamer(prefix);
  await transport.createTopics([{ name: name(Topics.dlq), partitions: 1 }]);
  // The operators' codec wrote these letters: it registered the dead-letter and instruction subjects.
  const writer = await ConfluentCodec.open(new RegistryClient({ url: registry.url }), loadSchemaRegistry(), [
    { subject: `${name(Topics.dlq)}-value`, type: 'DeadLetter' }, { subject: `${name(Topics.instructionsUnique)}-value`, type: 'Instruction' },
  ]);
  const letter = (id: string, payload: Uint8Array): DeadLetter => ({
    id: `dl-${id}`, operator: 'respond', reason: 'teacher_http', message: 'HTTP 500', source_topic: name(Topics.instructionsUnique), source_partition: 0,
    source_offset: 0, payload, task_number: 1, task_outputs: 1, created_at: 1,
  });
  await transport.producer().send(name(Topics.dlq), [
    { key: 'a', value: writer.encode('DeadLetter', letter('a', new TextEncoder().encode(JSON.stringify(instruction('a'))))) },
    { key: 'b', value: writer.encode('DeadLetter', letter('b', writer.encode('Instruction', instruction('b')))) },
  ]);
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ kafka: { topicPrefix: prefix } }));
  const args = ['--transport', 'kafka', '--brokers', (await kafkaBrokers()).join(','), '--wire-format', 'confluent', '--schema-registry', registry.url,
    '--data-dir', dir, '--config', config];
  const posted = registry.requests.length;

  const list = await lamini(['dlq', 'list', ...args], {}, 60_000);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^teacher_http\s+2\s+2\s+0\s+0$/m);
  const dry = await lamini(['dlq', 'replay', '--dry-run', ...args], {}, 60_000);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.trim(), 'would replay 2 dead letters (teacher_http 2); 0 skipped; 0 not replayable');
  const since = registry.requests.slice(posted);
  assert.ok(since.length > 0, 'the letters were looked up by id');
  assert.deepEqual(since.filter((r) => r.method !== 'GET'), [], 'nothing was registered');
});
