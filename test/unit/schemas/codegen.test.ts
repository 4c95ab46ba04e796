import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateTypes, typesPath } from '../../../schemas/codegen.ts';
import { readSchemaDir } from '../../../schemas/load.ts';
import type { AvroSchema } from '../../../schemas/fingerprint.ts';

test('schemas/types.ts is what codegen makes of the .avsc files (run `node schemas/codegen.ts` if not)', () => {
  const text = generateTypes(readSchemaDir().current.map((f) => f.schema));
  assert.equal(readFileSync(typesPath(), 'utf8'), text);
  assert.ok(text.startsWith('// generated from schemas/*.avsc by schemas/codegen.ts — do not edit\n'));
});

test('every record type is exported under its Avro name, with docs from the schema', () => {
  const text = readFileSync(typesPath(), 'utf8');
  for (const name of ['Seed', 'GenerationTask', 'Instruction', 'Example', 'Dropped', 'DeadLetter', 'TeacherRequest']) {
    assert.match(text, new RegExp(`export interface ${name} \\{`));
    assert.match(text, new RegExp(`  ${name}: ${name};`));
  }
  assert.match(text, /export type GenerationMode = 'seed' \| 'example_guided' \| 'topic_guided';/);
  assert.match(text, /\/\*\* -1 when the record is not tied to a generation task. \*\/\n  task_number: number;/);
});

test('unions, maps, nested records and fixed map to TypeScript; an enum defined twice differently is refused', () => {
  const schema: AvroSchema = {
    type: 'record', name: 'R', namespace: 'x', doc: 'A record.',
    fields: [
      { name: 'maybe', type: ['null', 'string'], default: null },
      { name: 'counts', type: { type: 'map', values: 'long' } },
      { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'b', type: 'bytes' }] } },
      { name: 'many', type: { type: 'array', items: ['null', 'Inner'] } },
      { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 16 } },
    ],
  };
  const text = generateTypes([schema]);
  for (const line of ['maybe: null | string;', 'counts: Record<string, number>;', 'inner: Inner;', 'many: Array<null | Inner>;',
    'hash: Hash;', 'export type Hash = Uint8Array;', 'export interface Inner {\n  b: Uint8Array;\n}', 'R: R;']) {
    assert.ok(text.includes(line), line);
  }
  const e1 = { type: 'record', name: 'A', fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['a'] } }] };
  const e2 = { type: 'record', name: 'B', fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['b'] } }] };
  assert.throws(() => generateTypes([e1, e2]), /E is defined differently/);
});
