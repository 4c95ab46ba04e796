/** Public API of the Avro layer: record types, the single-object codec and schema fingerprints. */
export type {
  DeadLetter,
  Dropped,
  Example,
  GenerationMode,
  GenerationTask,
  Instruction,
  RecordTypeName,
  RecordTypes,
  Seed,
} from './types.ts';
export { defaultRegistry, HEADER_BYTES, loadSchemaRegistry, MAGIC, NAMESPACE, SchemaRegistry } from './codec.ts';
export type { SchemaEntry } from './codec.ts';
export { canonicalForm, EMPTY_FINGERPRINT, fingerprintHex, rabinFingerprint, schemaFingerprint } from './fingerprint.ts';
export type { AvroSchema } from './fingerprint.ts';
export { defaultSchemaDir, readSchemaDir, readSchemaFile } from './load.ts';
export type { SchemaDir, SchemaFile } from './load.ts';
export type { RecordIssue } from './validate.ts';
