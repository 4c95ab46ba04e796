/**
 * Avro Parsing Canonical Form and the CRC-64-AVRO (Rabin) fingerprint, as the Avro specification defines them
 * ("Parsing Canonical Form for Schemas", "Schema Fingerprints"). avsc computes neither, so they live here.
 *
 * Canonical form: primitives as bare strings, names as fullnames, only `name type fields symbols items values
 * size` kept and in that order, no whitespace; a named type that is met again is written as its fullname.
 */
import { ErrorCodes, LaminiError } from '../common/errors.ts';

/** A schema as parsed JSON: a type name, a union (array) or a complex type (object). */
export type AvroSchema = string | AvroSchema[] | { readonly [key: string]: unknown };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

function invalid(message: string, schema: unknown): LaminiError {
  return new LaminiError(ErrorCodes.SCHEMA_INVALID, message, { details: { schema } });
}

function fullname(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(full: string): string {
  const dot = full.lastIndexOf('.');
  return dot < 0 ? '' : full.slice(0, dot);
}

function stringArray(value: unknown, what: string, schema: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(`${what} must be an array of strings`, schema);
  return value;
}

function canon(schema: unknown, namespace: string, seen: Set<string>): string {
  if (typeof schema === 'string') {
    return JSON.stringify(PRIMITIVES.has(schema) ? schema : fullname(schema, namespace));
  }
  if (Array.isArray(schema)) return `[${schema.map((s) => canon(s, namespace, seen)).join(',')}]`;
  if (schema === null || typeof schema !== 'object') throw invalid('a schema must be a string, an array or an object', schema);
  const s = schema as Record<string, unknown>;
  const type = s['type'];
  if (typeof type !== 'string') return canon(type, namespace, seen); // {"type": [..]} or {"type": {..}}
  if (type === 'array') return `{"type":"array","items":${canon(s['items'], namespace, seen)}}`;
  if (type === 'map') return `{"type":"map","values":${canon(s['values'], namespace, seen)}}`;
  if (!NAMED.has(type)) return canon(type, namespace, seen); // {"type":"int"} or a reference by name
  const name = s['name'];
  if (typeof name !== 'string' || name === '') throw invalid(`a ${type} needs a name`, schema);
  const ns = typeof s['namespace'] === 'string' ? s['namespace'] : namespace;
  const full = fullname(name, ns);
  if (seen.has(full)) return JSON.stringify(full);
  seen.add(full);
  const head = `{"name":${JSON.stringify(full)},"type":"${type === 'error' ? 'record' : type}"`;
  if (type === 'enum') {
    return `${head},"symbols":${JSON.stringify(stringArray(s['symbols'], 'enum symbols', schema))}}`;
  }
  if (type === 'fixed') {
    const size = s['size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid('fixed size must be a non-negative integer', schema);
    return `${head},"size":${size}}`;
  }
  const fields = s['fields'];
  if (!Array.isArray(fields)) throw invalid(`record ${full} needs a fields array`, schema);
  const inner = namespaceOf(full);
  const parts = fields.map((f: unknown) => {
    const field = f as Record<string, unknown> | null;
    if (field === null || typeof field !== 'object' || typeof field['name'] !== 'string') throw invalid(`a field of ${full} needs a name`, f);
    return `{"name":${JSON.stringify(field['name'])},"type":${canon(field['type'], inner, seen)}}`;
  });
  return `${head},"fields":[${parts.join(',')}]}`;
}

/** The Parsing Canonical Form of a schema given as parsed JSON. */
export function canonicalForm(schema: AvroSchema): string {
  return canon(schema, '', new Set());
}

/** CRC-64-AVRO of the empty input: the seed of the Rabin fingerprint (Avro specification). */
export const EMPTY_FINGERPRINT = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY_FINGERPRINT & -(fp & 1n));
  return fp;
});

const utf8 = new TextEncoder();

/** CRC-64-AVRO (Rabin) fingerprint of bytes, or of a string's UTF-8 bytes, as an unsigned 64-bit bigint. */
export function rabinFingerprint(data: Uint8Array | string): bigint {
  const bytes = typeof data === 'string' ? utf8.encode(data) : data;
  let fp = EMPTY_FINGERPRINT;
  for (const b of bytes) fp = (fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(b)) & 0xffn)] as bigint);
  return fp;
}

/** The CRC-64-AVRO fingerprint of a schema's canonical form: what single-object encoding carries. */
export function schemaFingerprint(schema: AvroSchema): bigint {
  return rabinFingerprint(canonicalForm(schema));
}

/** 16 lowercase hex digits, most significant first (the number, not the wire bytes). */
export function fingerprintHex(fp: bigint): string {
  return fp.toString(16).padStart(16, '0');
}
