import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLaminiError, type ErrorCode, type LaminiError } from '../../../common/errors.ts';
import type { RecordCodec } from '../../../streams/codec.ts';
import {
  canonicalForm,
  defaultRegistry,
  defaultSchemaDir,
  readSchemaDir,
  schemaFingerprint,
  type DeadLetter,
  type GenerationTask,
  type RecordTypeName,
  type Seed,
} from '../../../schemas/index.ts';

const FIXTURES = new URL('../../fixtures/schemas/', import.meta.url);
interface FixtureSchema { name: string; canonical_form: string; fingerprint: string; samples: Array<{ record: unknown; single_object: string }> }
const fixture = JSON.parse(readFileSync(new URL('python-fixture.json', FIXTURES), 'utf8')) as { schemas: Record<string, FixtureSchema> };

/** Sample JSON to records: {"hex": ...} becomes bytes, as in make_fixture.py. */
function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0]?.[0] === 'hex') return Buffer.from(String(entries[0][1]), 'hex');
  return Object.fromEntries(entries.map(([k, v]) => [k, fromJson(v)]));
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const registry = defaultRegistry();
const typeOf = (fullname: string): RecordTypeName => fullname.slice(fullname.lastIndexOf('.') + 1) as RecordTypeName;
const code = (c: ErrorCode) => (e: unknown): boolean => isLaminiError(e, c);

const seed: Seed = { id: 's', instruction: 'Say hi.', input: '', output: '', source: 'alpaca', subset: '' };

test('the fixture covers every schema file (regenerate it with make_fixture.py after a schema change)', () => {
  const dir = defaultSchemaDir();
  const { current, history } = readSchemaDir(dir);
  const ours = [...current, ...history].map((f) => f.path.slice(join(dir, '..').length + 1)).sort();
  assert.deepEqual(Object.keys(fixture.schemas).sort(), ours);
  assert.ok(current.length >= 6);
});

test('canonical forms and fingerprints match fastavro byte for byte', () => {
  for (const [path, want] of Object.entries(fixture.schemas)) {
    const schema = JSON.parse(readFileSync(join(defaultSchemaDir(), '..', path), 'utf8'));
    assert.equal(canonicalForm(schema), want.canonical_form, path);
    assert.equal(schemaFingerprint(schema), BigInt(`0x${want.fingerprint}`), path);
    assert.ok(registry.writer(BigInt(`0x${want.fingerprint}`)), `${path} is a known writer`);
  }
});

test('our single-object bytes equal fastavro\'s, and fastavro\'s decode to the sample records', () => {
  let samples = 0;
  for (const [path, want] of Object.entries(fixture.schemas)) {
    for (const sample of want.samples) {
      const type = typeOf(want.name);
      const record = fromJson(sample.record) as never;
      assert.equal(hex(registry.encode(type, record)), sample.single_object, `${path} encode`);
      assert.deepEqual(registry.decode(type, Buffer.from(sample.single_object, 'hex')), record, `${path} decode`);
      samples++;
    }
  }
  assert.ok(samples >= 10);
});

test('decoded records are plain objects, and bytes may be written from a plain Uint8Array', () => {
  const letter: DeadLetter = {
    id: 'd', operator: 'op', reason: 'r', message: 'm', source_topic: 't', source_partition: 1, source_offset: 2,
    payload: new TextEncoder().encode('{"bad": json}'), task_number: -1, task_outputs: 0, created_at: 1767225600000,
  };
  const bytes = registry.encode('DeadLetter', letter);
  assert.equal(hex(registry.encode('DeadLetter', { ...letter, payload: Buffer.from(letter.payload) })), hex(bytes));
  const back = registry.decode('DeadLetter', bytes);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepEqual({ ...back, payload: new Uint8Array(back.payload) }, letter);
});

test('decoding reads a view inside a larger buffer, and a large record grows the scratch buffer', () => {
  const big: Seed = { ...seed, instruction: 'ü'.repeat(50_000) };
  const bytes = registry.encode('Seed', big);
  const padded = new Uint8Array(bytes.byteLength + 7);
  padded.set(bytes, 3);
  assert.deepEqual(registry.decode('Seed', padded.subarray(3, 3 + bytes.byteLength)), big);
  assert.deepEqual(registry.decode('Seed', registry.encode('Seed', seed)), seed);
});

test('the registry is a RecordCodec for the runner', () => {
  const codec: RecordCodec = registry;
  assert.deepEqual(codec.decode('Seed', codec.encode('Seed', seed)), seed);
});

test('SCHEMA_BAD_MAGIC: bytes that do not start with C3 01', () => {
  const bytes = Buffer.from(registry.encode('Seed', seed));
  assert.throws(() => registry.decode('Seed', new Uint8Array()), code('SCHEMA_BAD_MAGIC'));
  assert.throws(() => registry.decode('Seed', Buffer.from('{"id":"s"}')), code('SCHEMA_BAD_MAGIC'));
  bytes[1] = 0x02;
  assert.throws(() => registry.decode('Seed', bytes), code('SCHEMA_BAD_MAGIC'));
});

test('SCHEMA_UNKNOWN_FINGERPRINT: a writer schema nobody registered', () => {
  const bytes = Buffer.from(registry.encode('Seed', seed));
  bytes[9] = (bytes[9] ?? 0) ^ 0xff;
  assert.throws(() => registry.decode('Seed', bytes), (e: unknown) => {
    assert.ok(isLaminiError(e, 'SCHEMA_UNKNOWN_FINGERPRINT'));
    assert.match(String(e.details['fingerprint']), /^[0-9a-f]{16}$/);
    return true;
  });
});

test('SCHEMA_DECODE_FAILED: truncated header, truncated body, trailing bytes, unsafe long', () => {
  const bytes = registry.encode('Seed', seed);
  assert.throws(() => registry.decode('Seed', bytes.subarray(0, 6)), code('SCHEMA_DECODE_FAILED'));
  assert.throws(() => registry.decode('Seed', bytes.subarray(0, bytes.byteLength - 1)), code('SCHEMA_DECODE_FAILED'));
  assert.throws(() => registry.decode('Seed', Buffer.concat([bytes, Uint8Array.of(0)])), code('SCHEMA_DECODE_FAILED'));
  // task_number is GenerationTask's first field: put 2^60 there, which a JS number cannot hold exactly.
  const task: GenerationTask = { task_number: 0, mode: 'seed', source: 'p3', seed_ids: [], topics: [], count: 0, prompt_version: 'v1' };
  const ok = registry.encode('GenerationTask', task);
  assert.equal(ok[10], 0x00);
  const huge = Buffer.concat([ok.subarray(0, 10), Buffer.from('80808080808080808002', 'hex'), ok.subarray(11)]);
  assert.throws(() => registry.decode('GenerationTask', huge), code('SCHEMA_DECODE_FAILED'));
});

test('SCHEMA_INCOMPATIBLE and SCHEMA_UNKNOWN_TYPE', () => {
  const bytes = registry.encode('Seed', seed);
  assert.throws(() => registry.decode('Example', bytes), code('SCHEMA_INCOMPATIBLE'));
  assert.throws(() => registry.decode('Nope' as RecordTypeName, bytes), code('SCHEMA_UNKNOWN_TYPE'));
});

test('RECORD_INVALID names every bad field by its path', () => {
  const bad = { ...seed, id: 7, extra: true, seed_ids: [] } as unknown as Seed;
  delete (bad as Partial<Seed>).input;
  assert.throws(() => registry.encode('Seed', bad), (e: unknown) => {
    assert.ok(isLaminiError(e, 'RECORD_INVALID'));
    const paths = (e as LaminiError).details['issues'] as Array<{ path: string }>;
    assert.deepEqual(paths.map((i) => i.path).sort(), ['extra', 'id', 'input', 'seed_ids']);
    assert.match(e.message, /id: expected a string, got number 7/);
    assert.match(e.message, /input: expected a string, got nothing/);
    return true;
  });
  const task = { task_number: 1.5, mode: 'bogus', source: 'p3', seed_ids: ['a', 3], topics: [], count: 2, prompt_version: 'v' };
  assert.deepEqual(registry.validate('GenerationTask', task).map((i) => i.path), ['task_number', 'mode', 'seed_ids.1']);
  assert.throws(() => registry.encode('GenerationTask', task as unknown as GenerationTask), /one of seed, example_guided, topic_guided/);
  const unsafe = { task_number: 2 ** 53, mode: 'seed', source: 'p3', seed_ids: [], topics: [], count: 0, prompt_version: 'v' };
  assert.deepEqual(registry.validate('GenerationTask', unsafe).map((i) => i.path), ['task_number']);
  assert.deepEqual(registry.validate('Seed', seed), []);
});
