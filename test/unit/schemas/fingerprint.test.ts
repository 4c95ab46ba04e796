import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLaminiError } from '../../../common/errors.ts';
import {
  canonicalForm,
  EMPTY_FINGERPRINT,
  fingerprintHex,
  rabinFingerprint,
  schemaFingerprint,
  type AvroSchema,
} from '../../../schemas/fingerprint.ts';

// Cases from the Avro project's share/test/data/schema-tests.txt (Apache-2.0): input, canonical form and the
// fingerprint as Java prints it (a signed 64-bit number; '' where the file gives none).
const SPEC_CASES: Array<[string, string, string]> = [
  ['"null"', '"null"', '7195948357588979594'],
  ['{"type":"null"}', '"null"', ''],
  ['"boolean"', '"boolean"', '-6970731678124411036'],
  ['"int"', '"int"', '8247732601305521295'],
  ['{"type":"long"}', '"long"', '-3434872931120570953'],
  ['"float"', '"float"', '5583340709985441680'],
  ['"double"', '"double"', '-8181574048448539266'],
  ['"bytes"', '"bytes"', '5746618253357095269'],
  ['"string"', '"string"', '-8142146995180207161'],
  ['[  ]', '[]', '-1241056759729112623'],
  ['[ "int"  ]', '["int"]', '-5232228896498058493'],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', '5392556393470105090'],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', '5916914534497305771'],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', '-4616218487480524110'],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}', '7843277075252814651'],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"}, {"order":"descending","name":"f2","doc":"Hello","type":"int"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    '-4860222112080293046',
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', '-6342190197741309591'],
  ['{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}', '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', '-4448647247586288245'],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', '1756455273707447556'],
  ['{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}', '{"name":"x.y.z.foo","type":"fixed","size":32}', '-3064184465700546786'],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', '-589620603366471059'],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', '-8732877298790414990'],
  [
    '{"name":"PigValue","type":"record", "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    '-1759257747318642341',
  ],
];

test('the fingerprint of nothing is the CRC-64-AVRO seed 0xc15d213aa4d7a795', () => {
  assert.equal(EMPTY_FINGERPRINT, 0xc15d213aa4d7a795n);
  assert.equal(rabinFingerprint(new Uint8Array()), EMPTY_FINGERPRINT);
  assert.equal(rabinFingerprint(''), EMPTY_FINGERPRINT);
});

test('canonical forms and fingerprints match the Avro project test cases', () => {
  for (const [input, canonical, fingerprint] of SPEC_CASES) {
    const schema = JSON.parse(input) as AvroSchema;
    assert.equal(canonicalForm(schema), canonical, input);
    if (fingerprint !== '') assert.equal(schemaFingerprint(schema), BigInt.asUintN(64, BigInt(fingerprint)), input);
  }
});

test('nested named types inherit the enclosing namespace and are written by name when met again (as fastavro)', () => {
  const schema: AvroSchema = {
    type: 'record', name: 'Outer', namespace: 'a.b', doc: 'dropped',
    fields: [
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['x'], default: 'x' } },
      { name: 'again', type: 'E' },
      { name: 'other', type: { type: 'fixed', name: 'F', namespace: 'c', size: 4 } },
      { name: 'ref', type: { type: 'array', items: 'c.F' } },
      { name: 'top', type: { type: 'record', name: 'T', namespace: '', fields: [{ name: 'f', type: 'c.F' }] } },
    ],
  };
  assert.equal(
    canonicalForm(schema),
    '{"name":"a.b.Outer","type":"record","fields":[{"name":"e","type":{"name":"a.b.E","type":"enum","symbols":["x"]}},'
      + '{"name":"again","type":"a.b.E"},{"name":"other","type":{"name":"c.F","type":"fixed","size":4}},'
      + '{"name":"ref","type":{"type":"array","items":"c.F"}},{"name":"top","type":{"name":"T","type":"record","fields":[{"name":"f","type":"c.F"}]}}]}',
  );
});

test('non-ASCII bytes are fingerprinted as UTF-8', () => {
  assert.equal(rabinFingerprint('ü'), rabinFingerprint(Uint8Array.of(0xc3, 0xbc)));
  assert.notEqual(rabinFingerprint('ü'), rabinFingerprint('u'));
});

test('fingerprintHex pads to 16 digits', () => {
  assert.equal(fingerprintHex(0x1an), '000000000000001a');
  assert.equal(fingerprintHex(EMPTY_FINGERPRINT), 'c15d213aa4d7a795');
});

test('a malformed schema is SCHEMA_INVALID', () => {
  assert.throws(() => canonicalForm({ type: 'record', fields: [] }), (e) => isLaminiError(e, 'SCHEMA_INVALID'));
  assert.throws(() => canonicalForm({ type: 'enum', name: 'E', symbols: 'a' }), (e) => isLaminiError(e, 'SCHEMA_INVALID'));
  assert.throws(() => canonicalForm({ type: 'record', name: 'R', fields: [{ type: 'int' }] }), (e) => isLaminiError(e, 'SCHEMA_INVALID'));
});
