/** The Confluent wire format (magic 0 + schema id) and the schema registry client it needs. */
export { ConfluentCodec, valueSubject } from './codec.ts';
export type { ConfluentSubject } from './codec.ts';
export { REGISTRY_RETRY_POLICY, RegistryClient } from './registry-client.ts';
export type { RegistryClientOptions } from './registry-client.ts';
export { CONFLUENT_HEADER_BYTES, CONFLUENT_MAGIC, confluentHeader, readConfluentFrame } from './wire.ts';
export type { ConfluentFrame } from './wire.ts';
