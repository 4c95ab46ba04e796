/**
 * Avro single-object encoding of our records, and the registry of writer schemas it needs.
 *
 *   offset  0    1    2                                   10
 *         +----+----+-----------------------------------+---------------------------------------+
 *         | C3 | 01 | CRC-64-AVRO fingerprint of the     | Avro binary body, written with that   |
 *         |  magic  | writer schema, 8 bytes, LE        | schema (no length: runs to the end)   |
 *         +----+----+-----------------------------------+---------------------------------------+
 *
 * Decoding reads the fingerprint, finds that writer schema among all known versions and resolves it to the
 * current (reader) schema of the requested type, so older and newer messages read as today's record.
 */
import avsc from 'avsc';
import type { Type } from 'avsc';
import { ErrorCodes, LaminiError } from '../common/errors.ts';
import { typeHook } from './avro-types.ts';
import { checkHeader } from './header.ts';
import { canonicalForm, fingerprintHex, rabinFingerprint, type AvroSchema } from './fingerprint.ts';
import { readSchemaDir } from './load.ts';
import type { RecordTypeName, RecordTypes } from './types.ts';
import { recordIssues, type RecordIssue } from './validate.ts';

/** The two bytes every single-object message starts with (read only, by convention). */
export const MAGIC = Uint8Array.of(0xc3, 0x01);
export const HEADER_BYTES = 10;
export const NAMESPACE = 'lamini';

export interface SchemaEntry {
  /** Full name, e.g. `lamini.Seed`. */
  readonly fullname: string;
  readonly fingerprint: bigint;
  readonly canonicalForm: string;
  readonly schema: AvroSchema;
  readonly type: Type;
}

type Resolver = ReturnType<Type['createResolver']>;

/** avsc builds records as class instances; callers get plain objects (arrays and Buffers stay as they are). */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.some((v) => v !== null && typeof v === 'object') ? value.map(plain) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

const fullnameOf = (typeName: string): string => (typeName.includes('.') ? typeName : `${NAMESPACE}.${typeName}`);

export class SchemaRegistry {
  readonly #writers = new Map<bigint, SchemaEntry>();
  readonly #current = new Map<string, SchemaEntry>();
  readonly #resolvers = new Map<string, Resolver>();
  readonly #headers = new Map<bigint, Uint8Array>();
  #scratch = Buffer.alloc(4096);

  /** Adds a record schema as a known writer; `current` (the default) also makes it the reader for its name. */
  register(schema: AvroSchema, options: { current?: boolean } = {}): SchemaEntry {
    const form = canonicalForm(schema);
    const fingerprint = rabinFingerprint(form);
    let entry = this.#writers.get(fingerprint);
    if (entry === undefined) {
      let type: Type;
      try {
        type = avsc.Type.forSchema(schema as avsc.Schema, { typeHook, omitRecordMethods: true });
      } catch (cause) {
        throw new LaminiError(ErrorCodes.SCHEMA_INVALID, `invalid schema: ${(cause as Error).message}`, { cause, details: { schema } });
      }
      if (type.typeName !== 'record' || type.name === undefined) {
        throw new LaminiError(ErrorCodes.SCHEMA_INVALID, 'a registered schema must be a named record', { details: { schema } });
      }
      entry = { fullname: type.name, fingerprint, canonicalForm: form, schema, type };
      this.#writers.set(fingerprint, entry);
    }
    if (options.current ?? true) this.#current.set(entry.fullname, entry);
    return entry;
  }

  /** The current (reader) schema of a record type: `Seed` or `lamini.Seed`. */
  current(typeName: string): SchemaEntry {
    const entry = this.#current.get(fullnameOf(typeName));
    if (entry === undefined) {
      throw new LaminiError(ErrorCodes.SCHEMA_UNKNOWN_TYPE, `no schema for record type ${typeName}`, { details: { typeName } });
    }
    return entry;
  }

  /** The writer schema with this fingerprint, if known. */
  writer(fingerprint: bigint): SchemaEntry | undefined {
    return this.#writers.get(fingerprint);
  }

  /** Every issue that keeps `record` from being encoded as `typeName`; empty when it is valid. */
  validate(typeName: string, record: unknown): RecordIssue[] {
    return recordIssues(this.current(typeName).type, record);
  }

  /** Single-object encoding of `record` with the current schema of `typeName`. Throws RECORD_INVALID. */
  encode<K extends RecordTypeName>(typeName: K, record: RecordTypes[K]): Uint8Array {
    return this.encodeAfter(this.#singleObjectHeader(this.current(typeName)), typeName, record);
  }

  /**
   * `header` followed by the Avro binary body of `record`, written with the current schema of `typeName`:
   * the one encoder behind every wire format (single-object here, Confluent in confluent/codec.ts).
   * Throws RECORD_INVALID.
   */
  encodeAfter<K extends RecordTypeName>(header: Uint8Array, typeName: K, record: RecordTypes[K]): Uint8Array {
    const { type } = this.current(typeName);
    if (!type.isValid(record, { noUndeclaredFields: true })) {
      const issues = this.validate(typeName, record);
      const list = issues.map((i) => `${i.path || '(record)'}: ${i.message}`).join('; ');
      throw new LaminiError(ErrorCodes.RECORD_INVALID, `invalid ${typeName}: ${list}`, { details: { typeName, issues } });
    }
    let end = this.#encodeInto(type, header, record);
    if (end < 0) {
      this.#scratch = Buffer.alloc(Math.max(2 * this.#scratch.length, this.#scratch.length - end));
      end = this.#encodeInto(type, header, record);
    }
    const out = Buffer.allocUnsafeSlow(end); // its own memory, not a slice of a shared pool
    this.#scratch.copy(out, 0, 0, end);
    return out;
  }

  #encodeInto(type: Type, header: Uint8Array, record: unknown): number {
    this.#scratch.set(header, 0);
    return type.encode(record, this.#scratch, header.byteLength);
  }

  #singleObjectHeader(entry: SchemaEntry): Uint8Array {
    let header = this.#headers.get(entry.fingerprint);
    if (header === undefined) {
      const b = Buffer.alloc(HEADER_BYTES);
      b.set(MAGIC, 0);
      b.writeBigUInt64LE(entry.fingerprint, 2);
      header = b;
      this.#headers.set(entry.fingerprint, header);
    }
    return header;
  }

  /** Decodes a single-object message into the current record shape of `typeName`. Throws SCHEMA_*. */
  decode<K extends RecordTypeName>(typeName: K, bytes: Uint8Array): RecordTypes[K] {
    return this.decodeBody(typeName, this.writerOf(bytes), bytes.subarray(HEADER_BYTES));
  }

  /**
   * An Avro binary body written with `writer`, read as the current record shape of `typeName` (resolved when the
   * two schemas differ). Throws SCHEMA_INCOMPATIBLE, SCHEMA_DECODE_FAILED.
   */
  decodeBody<K extends RecordTypeName>(typeName: K, writer: SchemaEntry, body: Uint8Array): RecordTypes[K] {
    const reader = this.current(typeName);
    const resolver = writer.fingerprint === reader.fingerprint ? undefined : this.#resolver(reader, writer);
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    try {
      return plain(reader.type.fromBuffer(buffer, resolver)) as RecordTypes[K];
    } catch (cause) {
      throw new LaminiError(ErrorCodes.SCHEMA_DECODE_FAILED, `cannot decode ${writer.fullname} body: ${(cause as Error).message}`, {
        cause,
        details: { typeName, fingerprint: fingerprintHex(writer.fingerprint), bytes: body.byteLength },
      });
    }
  }

  /** The writer schema a message names in its header. Throws SCHEMA_BAD_MAGIC, SCHEMA_UNKNOWN_FINGERPRINT. */
  writerOf(bytes: Uint8Array): SchemaEntry {
    checkHeader(bytes, MAGIC, HEADER_BYTES, 'an Avro single-object');
    const fingerprint = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(2, true);
    const writer = this.#writers.get(fingerprint);
    if (writer === undefined) {
      const hex = fingerprintHex(fingerprint);
      throw new LaminiError(ErrorCodes.SCHEMA_UNKNOWN_FINGERPRINT, `no writer schema with fingerprint ${hex}`, { details: { fingerprint: hex } });
    }
    return writer;
  }

  #resolver(reader: SchemaEntry, writer: SchemaEntry): Resolver {
    const key = `${reader.fingerprint}/${writer.fingerprint}`;
    let resolver = this.#resolvers.get(key);
    if (resolver === undefined) {
      try {
        resolver = reader.type.createResolver(writer.type);
      } catch (cause) {
        throw new LaminiError(ErrorCodes.SCHEMA_INCOMPATIBLE, `${writer.fullname} (${fingerprintHex(writer.fingerprint)}) cannot be read as ${reader.fullname}`, {
          cause,
          details: { reader: fingerprintHex(reader.fingerprint), writer: fingerprintHex(writer.fingerprint) },
        });
      }
      this.#resolvers.set(key, resolver);
    }
    return resolver;
  }
}

/** A registry holding every schema of a folder: history as writers first, then the current ones. */
export function loadSchemaRegistry(dir?: string): SchemaRegistry {
  const registry = new SchemaRegistry();
  const { current, history } = readSchemaDir(dir);
  for (const file of history) registry.register(file.schema, { current: false });
  for (const file of current) registry.register(file.schema);
  return registry;
}

let shared: SchemaRegistry | undefined;

/** The registry of this package's own schemas, loaded once. */
export function defaultRegistry(): SchemaRegistry {
  shared ??= loadSchemaRegistry();
  return shared;
}
