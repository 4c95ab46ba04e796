/** The Confluent wire format (magic 0 + schema id) and the schema registry client it needs. */
export { ConfluentCodec, LAMINI_COMPATIBILITY, valueSubject } from './codec.ts';
export type { ConfluentSubject } from './codec.ts';
export { COMPATIBILITY_LEVELS, REGISTRY_RETRY_POLICY, RegistryClient } from './registry-client.ts';
export type { CompatibilityCheck, CompatibilityLevel, RegistryClientOptions } from './registry-client.ts';
export { CONFLUENT_HEADER_BYTES, CONFLUENT_MAGIC, confluentHeader, readConfluentFrame } from './wire.ts';
export type { ConfluentFrame } from './wire.ts';
