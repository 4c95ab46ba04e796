/**
 * The Confluent codec: our records in the Confluent wire format (confluent/wire.ts), with schema ids from a
 * schema registry. Opening it is all-or-nothing for what it registers, in three steps:
 *   1. check: the current schema of every record type against its topic's subject (TopicNameStrategy:
 *      `<topic>-value`), `POST /compatibility/subjects/{s}/versions/latest`; if any subject refuses, open
 *      fails with SCHEMA_REGISTRY_INCOMPATIBLE naming every refusing subject, and nothing is registered;
 *   2. register: each schema under its subject (`POST /subjects/{s}/versions`); the registry answers with
 *      the schema's global id, the same id for the same schema under any subject, and registering again is
 *      a no-op;
 *   3. protect: each subject's compatibility level set to `FULL_TRANSITIVE` (`PUT /config/{s}`, skipped
 *      when `GET /config/{s}` says it is set already), so that no other producer can register a version
 *      that any registered reader, ours included, cannot read (the registry's default, BACKWARD, lets a
 *      producer drop a field without a default that lamini reads).
 * Between the check and the registration another client may register a version of its own; the registry
 * then refuses ours (409) and open fails with SCHEMA_REGISTRY_INCOMPATIBLE after registering the subjects
 * before it, which a restart, once the conflict is resolved, registers again as no-ops.
 * Encoding writes the registered id; decoding looks the writer schema up by the id it finds (once per id,
 * then cached) and resolves it to our reader schema, so messages from older or newer writers read as
 * today's record.
 *
 * A read-only codec (`ConfluentCodec.reader`, for `lamini dlq list` and `--dry-run`, which may hold read-only
 * registry credentials) registers nothing: it decodes by id alone, and what it encodes is checked against
 * the current schema and framed with schema id 0, which no registry hands out (ids start at 1) — bytes to
 * count, never to send.
 */
import { ErrorCodes, isLaminiError, LaminiError } from '../../common/errors.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import type { SchemaEntry, SchemaRegistry } from '../codec.ts';
import type { AvroSchema } from '../fingerprint.ts';
import type { RecordTypeName, RecordTypes } from '../types.ts';
import type { CompatibilityLevel, RegistryClient } from './registry-client.ts';
import { confluentHeader, readConfluentFrame } from './wire.ts';

export interface ConfluentSubject {
  /** `<topic>-value`. */
  subject: string;
  type: RecordTypeName;
}

/** The level open sets on every subject it registers: any registered reader reads any registered writer. */
export const LAMINI_COMPATIBILITY: CompatibilityLevel = 'FULL_TRANSITIVE';

/** The schema id a read-only codec frames its (never sent) encodings with. */
export const UNREGISTERED_ID = 0;

/** The subject of a topic's values under the TopicNameStrategy. */
export const valueSubject = (topic: string): string => `${topic}-value`;

export class ConfluentCodec implements RecordCodec {
  readonly #schemas: SchemaRegistry;
  readonly #client: RegistryClient;
  /** The 5-byte header of each record type's current schema. */
  readonly #headers = new Map<RecordTypeName, Uint8Array>();
  readonly #writers = new Map<number, SchemaEntry>();
  readonly #lookups = new Map<number, Promise<SchemaEntry>>();
  /** A read-only codec's header for every type (id 0); undefined for a codec that registered its types. */
  #unregistered: Uint8Array | undefined;

  private constructor(schemas: SchemaRegistry, client: RegistryClient) {
    this.#schemas = schemas;
    this.#client = client;
  }

  /**
   * Checks every subject, then registers the current schema of each subject's type and sets the subjects'
   * compatibility (see the top of this file); returns a codec that writes the registered ids. `schemas`
   * holds our reader schemas; writer schemas fetched by id are added to it as writers.
   * Throws SCHEMA_REGISTRY_* (unreachable, refused credentials, an incompatible schema).
   */
  static async open(client: RegistryClient, schemas: SchemaRegistry, subjects: readonly ConfluentSubject[]): Promise<ConfluentCodec> {
    const codec = new ConfluentCodec(schemas, client);
    const planned = subjects.map(({ subject, type }) => ({ subject, type, entry: schemas.current(type) }));
    const texts = new Map(planned.map((p) => [p.subject, JSON.stringify(p.entry.schema)]));
    const refused: string[] = [];
    const reasons: string[] = [];
    for (const { subject, type } of planned) {
      const check = await client.checkCompatibility(subject, texts.get(subject)!);
      if (check.compatible) continue;
      refused.push(`${subject} (${type})`);
      if (check.messages.length > 0) reasons.push(`${subject}: ${check.messages.join('; ').slice(0, 200)}`);
    }
    if (refused.length > 0) {
      // Every refusing subject first, the registry's reasons after: the line is cut at its end when long.
      const why = reasons.length === 0 ? '' : `; the registry says: ${reasons.join('; ')}`;
      throw client.error(ErrorCodes.SCHEMA_REGISTRY_INCOMPATIBLE,
        `${refused.length} of ${planned.length} subjects refuse lamini's current schema, so none was registered: ${refused.join(', ')}${why}`);
    }
    for (const { subject, type, entry } of planned) {
      const id = await client.register(subject, texts.get(subject)!);
      codec.#writers.set(id, entry);
      codec.#headers.set(type, confluentHeader(id));
    }
    for (const { subject } of planned) await protect(client, subject);
    return codec;
  }

  /** A codec that only reads the registry (GET by id): it never registers; see the top of this file. */
  static reader(client: RegistryClient, schemas: SchemaRegistry): ConfluentCodec {
    const codec = new ConfluentCodec(schemas, client);
    codec.#unregistered = confluentHeader(UNREGISTERED_ID);
    return codec;
  }

  /** The registry id each record type is written with. */
  ids(): Map<RecordTypeName, number> {
    return new Map([...this.#headers].map(([type, header]) => [type, readConfluentFrame(header).id]));
  }

  encode<K extends RecordTypeName>(type: K, record: RecordTypes[K]): Uint8Array {
    const header = this.#headers.get(type) ?? this.#unregistered;
    if (header === undefined) {
      throw new LaminiError(ErrorCodes.SCHEMA_UNKNOWN_TYPE, `no registered schema for record type ${type}`, { details: { typeName: type } });
    }
    return this.#schemas.encodeAfter(header, type, record);
  }

  /** Sync when the writer's id is known; else a promise that looks it up. Throws SCHEMA_UNKNOWN_ID and SCHEMA_*. */
  decode<K extends RecordTypeName>(type: K, bytes: Uint8Array): RecordTypes[K] | Promise<RecordTypes[K]> {
    const { id, body } = readConfluentFrame(bytes);
    const writer = this.#writers.get(id);
    if (writer !== undefined) return this.#schemas.decodeBody(type, writer, body);
    return this.#writer(id).then((w) => this.#schemas.decodeBody(type, w, body));
  }

  /** One lookup per id at a time; a found schema is kept, a failed lookup is not (the next message asks again). */
  #writer(id: number): Promise<SchemaEntry> {
    let lookup = this.#lookups.get(id);
    if (lookup === undefined) {
      lookup = this.#client.schemaById(id).then((text) => {
        const entry = this.#schemas.register(parseSchema(text, id), { current: false });
        this.#writers.set(id, entry);
        return entry;
      }).finally(() => this.#lookups.delete(id));
      this.#lookups.set(id, lookup);
    }
    return lookup;
  }
}

/** Sets LAMINI_COMPATIBILITY on `subject` unless it is set already (credentials that may not change it then do). */
async function protect(client: RegistryClient, subject: string): Promise<void> {
  if ((await client.compatibility(subject)) === LAMINI_COMPATIBILITY) return;
  try {
    await client.setCompatibility(subject, LAMINI_COMPATIBILITY);
  } catch (error) {
    if (!isLaminiError(error, ErrorCodes.SCHEMA_REGISTRY_AUTH)) throw error;
    throw client.error(ErrorCodes.SCHEMA_REGISTRY_AUTH,
      `may not set ${subject}'s compatibility to ${LAMINI_COMPATIBILITY} (PUT /config/${subject} answered ${String(error.details['status'] ?? 'a refusal')}): ` +
      `allow it, or set it once yourself with credentials that may`);
  }
}

function parseSchema(text: string, id: number): AvroSchema {
  try {
    return JSON.parse(text) as AvroSchema;
  } catch {
    throw new LaminiError(ErrorCodes.SCHEMA_INVALID, `schema id ${id} is not valid JSON`, { details: { id } });
  }
}
