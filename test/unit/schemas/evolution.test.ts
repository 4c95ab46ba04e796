import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLaminiError } from '../../../common/errors.ts';
import { defaultSchemaDir, loadSchemaRegistry, type AvroSchema, type Seed } from '../../../schemas/index.ts';

const fixture = (name: string): AvroSchema =>
  JSON.parse(readFileSync(new URL(`../../fixtures/schemas/${name}`, import.meta.url), 'utf8')) as AvroSchema;
const V2 = fixture('seed.v2.avsc');

const seed: Seed = { id: 's1', instruction: 'Name a colour.', input: '', output: 'Blue.', source: 'alpaca', subset: '' };
/** Seed v2 adds `language` (["null","string"], default null) and `weight` (double, default 1.0). */
type SeedV2 = Seed & { language: string | null; weight: number };

/** A v1 reader that also knows the v2 writer schema, and a v2 reader that keeps v1 as a writer. */
function registries() {
  const v1 = loadSchemaRegistry();
  v1.register(V2, { current: false });
  const v2 = loadSchemaRegistry();
  v2.register(V2);
  return { v1, v2 };
}

test('a v1 message read with the v2 reader gets the defaults of the added fields', () => {
  const { v1, v2 } = registries();
  const bytes = v1.encode('Seed', seed);
  assert.notEqual(v1.current('Seed').fingerprint, v2.current('Seed').fingerprint);
  assert.deepEqual(v2.decode('Seed', bytes), { ...seed, language: null, weight: 1 });
  assert.deepEqual(v2.decode('Seed', bytes), { ...seed, language: null, weight: 1 }, 'the cached resolver gives the same');
});

test('a v2 message read with the v1 reader drops the added fields', () => {
  const { v1, v2 } = registries();
  const record: SeedV2 = { ...seed, language: 'de', weight: 0.25 };
  const bytes = v2.encode('Seed', record as Seed);
  assert.deepEqual(v2.decode('Seed', bytes), record);
  assert.deepEqual(v1.decode('Seed', bytes), seed);
});

test('a v2 writer fills defaulted fields a record leaves out', () => {
  const { v1, v2 } = registries();
  const bytes = v2.encode('Seed', seed);
  assert.equal(v2.writerOf(bytes).fingerprint, v2.current('Seed').fingerprint);
  assert.deepEqual(v2.decode('Seed', bytes), { ...seed, language: null, weight: 1 });
  assert.deepEqual(v1.decode('Seed', bytes), seed);
});

test('a reader that never saw the v2 schema says which fingerprint it lacks', () => {
  const { v2 } = registries();
  const bytes = v2.encode('Seed', seed);
  assert.throws(() => loadSchemaRegistry().decode('Seed', bytes), (e) => isLaminiError(e, 'SCHEMA_UNKNOWN_FINGERPRINT'));
});

test('a new field without a default cannot read old messages: SCHEMA_INCOMPATIBLE', () => {
  const reader = loadSchemaRegistry();
  const bytes = reader.encode('Seed', seed);
  reader.register(fixture('seed.incompatible.avsc'));
  assert.throws(() => reader.decode('Seed', bytes), (e) => isLaminiError(e, 'SCHEMA_INCOMPATIBLE'));
});

test('older versions kept under history/ are loaded as writers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-schemas-'));
  try {
    mkdirSync(join(dir, 'history'));
    copyFileSync(join(defaultSchemaDir(), 'seed.avsc'), join(dir, 'history', 'seed.v1.avsc'));
    copyFileSync(new URL('../../fixtures/schemas/seed.v2.avsc', import.meta.url), join(dir, 'seed.avsc'));
    const evolved = loadSchemaRegistry(dir);
    const old = loadSchemaRegistry().encode('Seed', seed);
    assert.deepEqual(evolved.decode('Seed', old), { ...seed, language: null, weight: 1 });
    assert.throws(() => evolved.current('Example'), (e) => isLaminiError(e, 'SCHEMA_UNKNOWN_TYPE'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
