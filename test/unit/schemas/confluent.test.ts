/**
 * The Confluent wire format: framing (magic 0, 4-byte big-endian schema id, Avro body), the codec against the
 * schema registry double (every subject checked before any is registered, ids written, subjects set to
 * FULL_TRANSITIVE, writer schemas fetched by id and resolved to ours, a v1 writer read by a v2 reader and
 * back), and the registry client's typed one-line failures, each starting with its code.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLaminiError, type ErrorCode } from '../../../common/errors.ts';
import { retriesOf, type RetryPolicy } from '../../../common/retry.ts';
import {
  CONFLUENT_HEADER_BYTES, ConfluentCodec, confluentHeader, LAMINI_COMPATIBILITY, readConfluentFrame, RegistryClient, valueSubject,
} from '../../../schemas/confluent/index.ts';
import { loadSchemaRegistry, type AvroSchema, type Instruction, type Seed } from '../../../schemas/index.ts';
import { decodeFailureReason, isRegistryOutage } from '../../../streams/dead-letter.ts';
import { TOPIC_TYPES } from '../../../streams/topics.ts';
import { startSchemaRegistryDouble, type SchemaRegistryDouble, type SchemaRegistryDoubleOptions } from '../../helpers/schema-registry-double.ts';

const code = (c: ErrorCode) => (e: unknown): boolean => isLaminiError(e, c);
const V2 = JSON.parse(readFileSync(new URL('../../fixtures/schemas/seed.v2.avsc', import.meta.url), 'utf8')) as AvroSchema;
const seed: Seed = { id: 's1', instruction: 'Name a colour.', input: '', output: 'Blue.', source: 'alpaca', subset: '' };
const instruction: Instruction = {
  id: 'i1', instruction: 'Say hi.', input: '', instruction_source: 'alpaca', generation_mode: 'seed', seed_ids: ['s1'], topics: [],
  task_number: 3, task_outputs: 1, teacher_model: 'm', prompt_version: 'v1', prompt_tokens: 1, completion_tokens: 2, cost_usd: 0, created_at: 5,
};
/** No waiting in tests: retries come at once. */
const fast: RetryPolicy = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 5_000 };

/** A registry double closed when the test ends. */
async function registryDouble(t: TestContext, options?: SchemaRegistryDoubleOptions): Promise<SchemaRegistryDouble> {
  const registry = await startSchemaRegistryDouble(options);
  t.after(() => registry.close());
  return registry;
}

test('the header is magic 0 then the schema id as a 32-bit big-endian integer', () => {
  assert.equal(Buffer.from(confluentHeader(7)).toString('hex'), '0000000007');
  assert.equal(Buffer.from(confluentHeader(0x01020304)).toString('hex'), '0001020304');
  assert.equal(CONFLUENT_HEADER_BYTES, 5);
  const frame = readConfluentFrame(Buffer.concat([confluentHeader(2_000_000_000), Uint8Array.of(9, 8)]));
  assert.equal(frame.id, 2_000_000_000);
  assert.deepEqual([...frame.body], [9, 8]);
  assert.throws(() => confluentHeader(-1), code('SCHEMA_INVALID'));
  assert.throws(() => confluentHeader(2 ** 31), code('SCHEMA_INVALID'));
});

test('bytes without magic 0, or shorter than the header, are typed decode errors', () => {
  assert.throws(() => readConfluentFrame(new Uint8Array()), code('SCHEMA_BAD_MAGIC'));
  assert.throws(() => readConfluentFrame(Uint8Array.of(0xc3, 0x01, 0, 0, 0, 0)), code('SCHEMA_BAD_MAGIC'));
  assert.throws(() => readConfluentFrame(Uint8Array.of(0, 0, 0, 1)), code('SCHEMA_DECODE_FAILED'));
});

test('open registers each subject; records round-trip with the id the registry gave, one id per schema', async (t) => {
  const registry = await registryDouble(t, { firstId: 0x01000001 });
  const client = new RegistryClient({ url: registry.url, retry: fast });
  const subjects = [
    { subject: valueSubject('t.seeds'), type: 'Seed' as const },
    { subject: valueSubject('t.instructions.raw'), type: 'Instruction' as const },
    { subject: valueSubject('t.instructions.unique'), type: 'Instruction' as const },
  ];
  const codec = await ConfluentCodec.open(client, loadSchemaRegistry(), subjects);
  assert.deepEqual([...registry.subjects().keys()].sort(), ['t.instructions.raw-value', 't.instructions.unique-value', 't.seeds-value']);
  assert.deepEqual(await client.subjects(), [...registry.subjects().keys()]);
  const ids = codec.ids();
  assert.equal(registry.subjects().get('t.instructions.raw-value')?.[0], ids.get('Instruction'));
  assert.equal(registry.subjects().get('t.instructions.unique-value')?.[0], ids.get('Instruction'), 'the same schema has one id');

  const bytes = codec.encode('Instruction', instruction);
  assert.equal(bytes[0], 0);
  assert.equal(readConfluentFrame(bytes).id, ids.get('Instruction'));
  assert.deepEqual(await codec.decode('Instruction', bytes), instruction);
  assert.deepEqual(await codec.decode('Seed', codec.encode('Seed', seed)), seed);
  assert.throws(() => codec.encode('Example', {} as never), code('SCHEMA_UNKNOWN_TYPE'));
  assert.throws(() => codec.encode('Seed', { ...seed, id: 1 } as never), code('RECORD_INVALID'));

  // Opening again (a restart, a second process) registers nothing new and gets the same ids.
  const again = await ConfluentCodec.open(client, loadSchemaRegistry(), subjects);
  assert.deepEqual(again.ids(), ids);
  assert.equal(registry.subjects().get('t.seeds-value')?.length, 1);
});

test('a v1 writer is read by a v2 reader (defaults filled) and a v2 writer by a v1 reader; each id is fetched once', async (t) => {
  const registry = await registryDouble(t);
  const client = new RegistryClient({ url: registry.url, retry: fast });
  const subjects = [{ subject: 'seeds-value', type: 'Seed' as const }];
  const v1 = await ConfluentCodec.open(client, loadSchemaRegistry(), subjects);
  const v2schemas = loadSchemaRegistry();
  v2schemas.register(V2);
  const v2 = await ConfluentCodec.open(client, v2schemas, subjects);
  assert.notEqual(v1.ids().get('Seed'), v2.ids().get('Seed'), 'v2 is a new version of the subject');
  assert.equal(registry.subjects().get('seeds-value')?.length, 2);

  const fromV1 = v1.encode('Seed', seed);
  const before = registry.requests.filter((r) => r.path.startsWith('/schemas/ids/')).length;
  assert.deepEqual(await v2.decode('Seed', fromV1), { ...seed, language: null, weight: 1 });
  assert.deepEqual(v2.decode('Seed', fromV1), { ...seed, language: null, weight: 1 }, 'a known id decodes without a lookup');
  const fromV2 = v2.encode('Seed', { ...seed, language: 'de', weight: 0.5 } as Seed);
  assert.deepEqual(await v1.decode('Seed', fromV2), seed);
  const lookups = registry.requests.filter((r) => r.path.startsWith('/schemas/ids/')).length - before;
  assert.equal(lookups, 2, 'one lookup per unseen id');
});

test('an id the registry does not know is SCHEMA_UNKNOWN_ID, dead-lettered as unknown_schema_id', async (t) => {
  const registry = await registryDouble(t);
  const codec = await ConfluentCodec.open(new RegistryClient({ url: registry.url, retry: fast }), loadSchemaRegistry(), [{ subject: 's-value', type: 'Seed' }]);
  const unknown = Buffer.concat([confluentHeader(4242), Uint8Array.of(2, 0x41)]);
  const failure = await Promise.resolve().then(() => codec.decode('Seed', unknown)).then(() => undefined, (e: unknown) => e);
  assert.ok(isLaminiError(failure, 'SCHEMA_UNKNOWN_ID'), String(failure));
  assert.match((failure as Error).message, /no schema with id 4242/);
  assert.equal(decodeFailureReason(failure), 'unknown_schema_id');
  assert.equal(isRegistryOutage(failure), false);
  assert.equal(registry.requests.filter((r) => r.path === '/schemas/ids/4242').length, 1, 'a 404 is not retried');
  // A schema of another record type cannot be read as a Seed.
  const other = await ConfluentCodec.open(new RegistryClient({ url: registry.url }), loadSchemaRegistry(), [{ subject: 'i-value', type: 'Instruction' }]);
  await assert.rejects(async () => codec.decode('Seed', other.encode('Instruction', instruction)), code('SCHEMA_INCOMPATIBLE'));
});

test('5xx and 429 are retried through common/retry.ts; a registry that stays down is SCHEMA_REGISTRY_UNAVAILABLE', async (t) => {
  const registry = await registryDouble(t);
  const client = new RegistryClient({ url: registry.url, retry: fast });
  registry.failNext(1, 429);
  registry.failNext(1, 503);
  assert.equal(await client.register('x-value', JSON.stringify(V2)), 1);
  assert.deepEqual(registry.requests.map((r) => r.status), [429, 503, 200]);
  registry.failNext(3, 500);
  await assert.rejects(client.subjects(), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_UNAVAILABLE') && isRegistryOutage(e));
    assert.equal(retriesOf(e), 2);
    assert.match((e as Error).message, /^SCHEMA_REGISTRY_UNAVAILABLE: schema registry http:\/\/127\.0\.0\.1:\d+: GET \/subjects answered 500: injected 500$/);
    return true;
  });
  registry.hangNext(1);
  const impatient = new RegistryClient({ url: registry.url, timeoutMs: 200, retry: { ...fast, maxRetries: 0 } });
  await assert.rejects(impatient.subjects(), (e: unknown) => isLaminiError(e, 'SCHEMA_REGISTRY_UNAVAILABLE') && /no reply within 200 ms/.test((e as Error).message));
  await registry.close(); // nothing listens on its port now
  const gone = new RegistryClient({ url: registry.url, retry: fast });
  await assert.rejects(gone.subjects(), (e: unknown) => isLaminiError(e, 'SCHEMA_REGISTRY_UNAVAILABLE') && /unreachable \(ECONNREFUSED\)/.test((e as Error).message));
});

test('basic auth: the right password is sent; a wrong one is SCHEMA_REGISTRY_AUTH and never printed', async (t) => {
  const registry = await registryDouble(t, { username: 'lamini', password: 'reg-secret-pw' });
  const ok = new RegistryClient({ url: registry.url, username: 'lamini', password: 'reg-secret-pw', retry: fast });
  assert.equal(await ok.register('a-value', JSON.stringify(V2)), 1);
  const wrong = new RegistryClient({ url: registry.url, username: 'lamini', password: 'not-the-pw-123', retry: fast });
  await assert.rejects(wrong.subjects(), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_AUTH') && isRegistryOutage(e));
    assert.ok(!(e as Error).message.includes('not-the-pw-123') && !JSON.stringify((e as { details: unknown }).details).includes('not-the-pw'));
    assert.equal((e as Error).message.split('\n').length, 1);
    return true;
  });
  assert.equal(registry.requests.at(-1)?.status, 401, 'a 401 is not retried');
});

test('regression: a short registry password echoed by a server is redacted too (any non-empty password, not only 4 characters and up)', async (t) => {
  // A server that repeats the credentials it got in its error message.
  const server = createServer((req, res) => {
    const sent = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 400, message: `bad credentials ${sent}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new RegistryClient({ url, username: 'lamini', password: 'q7z', retry: fast });
  await assert.rejects(client.subjects(), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_FAILED'), String(e));
    assert.equal((e as Error).message, `SCHEMA_REGISTRY_FAILED: schema registry ${url}: GET /subjects answered 400: bad credentials lamini:[redacted]`);
    return true;
  });
});

test('a schema the subject cannot take is SCHEMA_REGISTRY_INCOMPATIBLE, and open fails with it', async (t) => {
  const registry = await registryDouble(t);
  registry.register('t.seeds-value', JSON.stringify({ type: 'record', name: 'Seed', namespace: 'lamini', fields: [{ name: 'x', type: 'int' }] }));
  const client = new RegistryClient({ url: registry.url, retry: fast });
  await assert.rejects(ConfluentCodec.open(client, loadSchemaRegistry(), [{ subject: 't.seeds-value', type: 'Seed' }]), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_INCOMPATIBLE'), String(e));
    assert.match((e as Error).message, /^SCHEMA_REGISTRY_INCOMPATIBLE: schema registry http:\S+: 1 of 1 subjects refuse lamini's current schema, so none was registered: t\.seeds-value \(Seed\); the registry says: t\.seeds-value: BACKWARD: /);
    return true;
  });
  // The registry itself refuses it too (409), should a client skip the check.
  await assert.rejects(client.register('t.seeds-value', JSON.stringify(loadSchemaRegistry().current('Seed').schema)), (e: unknown) =>
    isLaminiError(e, 'SCHEMA_REGISTRY_INCOMPATIBLE') && /^SCHEMA_REGISTRY_INCOMPATIBLE: .*POST \/subjects\/t\.seeds-value\/versions refused the schema as incompatible/.test((e as Error).message));
});

/** Eight subjects as `lamini run` opens them (prefix `t.`): every topic of streams/topics.ts. */
const ALL_SUBJECTS = Object.entries(TOPIC_TYPES).map(([topic, type]) => ({ subject: valueSubject(`t.${topic}`), type }));

test('regression: registration is all-or-nothing: one refusing subject and none is registered, every refusal named', async (t) => {
  // Reported: lamini.tasks-value refused and four other subjects were registered already.
  const registry = await registryDouble(t);
  const bad = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'lamini', fields: [{ name: 'x', type: 'int' }] });
  registry.register('t.tasks-value', bad('GenerationTask'));
  registry.register('t.dlq-value', bad('DeadLetter'));
  const before = registry.requests.length;
  const client = new RegistryClient({ url: registry.url, retry: fast });
  assert.equal(ALL_SUBJECTS.length, 8);
  await assert.rejects(ConfluentCodec.open(client, loadSchemaRegistry(), ALL_SUBJECTS), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_INCOMPATIBLE'), String(e));
    const line = (e as Error).message;
    assert.equal(line.split('\n').length, 1);
    assert.match(line, /^SCHEMA_REGISTRY_INCOMPATIBLE: .*2 of 8 subjects refuse lamini's current schema, so none was registered: t\.tasks-value \(GenerationTask\), t\.dlq-value \(DeadLetter\); the registry says: t\.tasks-value: BACKWARD: .*; t\.dlq-value: BACKWARD: /);
    return true;
  });
  assert.deepEqual([...registry.subjects().keys()].sort(), ['t.dlq-value', 't.tasks-value'], 'no subject was added');
  const sent = registry.requests.slice(before);
  assert.equal(sent.length, 8, 'one check per subject');
  assert.ok(sent.every((r) => r.method === 'POST' && r.path.startsWith('/compatibility/subjects/') && r.path.endsWith('/versions/latest')));
  assert.deepEqual(ALL_SUBJECTS.map((s) => registry.compatibility(s.subject)), ALL_SUBJECTS.map(() => undefined), 'no level was changed');
});

test('regression: lamini sets FULL_TRANSITIVE on its subjects, so no producer can register a version without a field lamini reads', async (t) => {
  const registry = await registryDouble(t);
  const client = new RegistryClient({ url: registry.url, retry: fast });
  const current = loadSchemaRegistry().current('Instruction').schema as unknown as { fields: Array<{ name: string }> } & Record<string, unknown>;
  const withoutInput = JSON.stringify({ ...current, fields: current.fields.filter((f) => f.name !== 'input') });
  const withExtra = JSON.stringify({ ...current, fields: [...current.fields, { name: 'extra', type: 'string', default: '' }] });

  // What was reported: under the registry's default, BACKWARD, dropping `input` is accepted.
  registry.register('elsewhere-value', JSON.stringify(current));
  assert.ok(registry.register('elsewhere-value', withoutInput) > 0, 'BACKWARD lets a producer drop a field lamini reads');

  await ConfluentCodec.open(client, loadSchemaRegistry(), ALL_SUBJECTS);
  for (const { subject } of ALL_SUBJECTS) assert.equal(registry.compatibility(subject), LAMINI_COMPATIBILITY, subject);
  assert.equal(LAMINI_COMPATIBILITY, 'FULL_TRANSITIVE');
  await assert.rejects(client.register('t.instructions.raw-value', withoutInput), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_INCOMPATIBLE'), String(e));
    assert.match((e as Error).message, /FULL_TRANSITIVE: schema id \d+ cannot read data written with the new schema \(.*input/);
    return true;
  });
  assert.equal(registry.subjects().get('t.instructions.raw-value')?.length, 1);
  // A field added with a default (how lamini's own schemas evolve) is still accepted, and lamini reads it.
  const extraId = await client.register('t.instructions.raw-value', withExtra);
  const reader = await ConfluentCodec.open(client, loadSchemaRegistry(), [{ subject: 't.instructions.raw-value', type: 'Instruction' }]);
  const writer = loadSchemaRegistry();
  writer.register(JSON.parse(withExtra) as AvroSchema);
  const bytes = Buffer.concat([confluentHeader(extraId), writer.encode('Instruction', { ...instruction, extra: 'x' } as Instruction).subarray(10)]);
  assert.deepEqual(await reader.decode('Instruction', bytes), instruction);

  // A second open sets nothing again: the level is there already.
  const puts = registry.requests.filter((r) => r.method === 'PUT').length;
  await ConfluentCodec.open(client, loadSchemaRegistry(), ALL_SUBJECTS);
  assert.equal(registry.requests.filter((r) => r.method === 'PUT').length, puts);
});

test('credentials that may not set a level: open works once it is set, and says what to do while it is not', async (t) => {
  const registry = await registryDouble(t, { readOnlyConfig: true });
  const client = new RegistryClient({ url: registry.url, retry: fast });
  const subjects = [{ subject: 'c.seeds-value', type: 'Seed' as const }];
  await assert.rejects(ConfluentCodec.open(client, loadSchemaRegistry(), subjects), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_REGISTRY_AUTH'), String(e));
    assert.match((e as Error).message, /^SCHEMA_REGISTRY_AUTH: schema registry \S+: may not set c\.seeds-value's compatibility to FULL_TRANSITIVE \(PUT \/config\/c\.seeds-value answered 403\): allow it, or set it once yourself/);
    return true;
  });
  registry.setCompatibility('c.seeds-value', 'FULL_TRANSITIVE');
  const codec = await ConfluentCodec.open(client, loadSchemaRegistry(), subjects);
  assert.equal(codec.ids().size, 1);
});

test('the compatibility check: a subject with no version is compatible; the reasons of a refusal come back', async (t) => {
  const registry = await registryDouble(t);
  const client = new RegistryClient({ url: registry.url, retry: fast });
  const seedText = JSON.stringify(loadSchemaRegistry().current('Seed').schema);
  assert.deepEqual(await client.checkCompatibility('none-value', seedText), { compatible: true, messages: [] });
  assert.equal(registry.requests.at(-1)?.status, 404, 'the double answers 40401 for a subject it does not have');
  registry.register('s-value', JSON.stringify({ type: 'record', name: 'Seed', namespace: 'lamini', fields: [{ name: 'x', type: 'int' }] }));
  const check = await client.checkCompatibility('s-value', seedText);
  assert.equal(check.compatible, false);
  assert.equal(check.messages.length, 1);
  assert.equal(await client.compatibility('s-value'), undefined);
  await client.setCompatibility('s-value', 'NONE');
  assert.equal(await client.compatibility('s-value'), 'NONE');
  assert.deepEqual(await client.checkCompatibility('s-value', seedText), { compatible: true, messages: [] });
  await assert.rejects(client.setCompatibility('s-value', 'SIDEWAYS' as never), code('SCHEMA_REGISTRY_FAILED'));
});

test('a 404 without the registry\'s "schema not found" code is a wrong URL (SCHEMA_REGISTRY_FAILED), not an unknown id', async (t) => {
  const registry = await registryDouble(t);
  const wrongPath = new RegistryClient({ url: `${registry.url}/not-the-api`, retry: fast });
  await assert.rejects(wrongPath.schemaById(1), (e: unknown) => isLaminiError(e, 'SCHEMA_REGISTRY_FAILED') && isRegistryOutage(e));
  await assert.rejects(new RegistryClient({ url: registry.url, retry: fast }).schemaById(1), code('SCHEMA_UNKNOWN_ID'));
});
