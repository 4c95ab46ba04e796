/**
 * The `kafka` section of the configuration: topics (prefix, partitions, retention), group timeouts and the
 * wire format with its schema registry; their keys, environment variables and the registry check that
 * common/config.ts validates with the rest.
 */
import type { ConfigIssue, Shape } from './config.ts';

/** Every topic and consumer group of a pipeline is `<prefix><name>`; this prefix unless configured. */
export const DEFAULT_TOPIC_PREFIX = 'lamini.';

export interface KafkaConfig {
  /** Every topic and consumer group is `<topicPrefix><name>` (default `lamini.`; --topic-prefix, env LAMINI_TOPIC_PREFIX). */
  topicPrefix: string;
  partitions: number;
  retentionMs: number;
  sessionTimeoutMs: number;
  /** `single-object` (default): Avro single-object encoding; `confluent`: magic 0 + schema id, ids from a schema registry. */
  wireFormat: 'single-object' | 'confluent';
  /** Confluent-compatible schema registry (`confluent` wire format only); credentials never in the URL. */
  schemaRegistryUrl: string;
  /** Basic auth for the registry; the password is never printed. */
  schemaRegistryUser: string;
  schemaRegistryPassword: string;
}

export function defaultKafkaConfig(): KafkaConfig {
  return {
    topicPrefix: DEFAULT_TOPIC_PREFIX, partitions: 12, retentionMs: 7 * 24 * 3_600_000, sessionTimeoutMs: 30_000,
    wireFormat: 'single-object', schemaRegistryUrl: '', schemaRegistryUser: '', schemaRegistryPassword: '',
  };
}

/** The settable `kafka.*` keys and their shapes. */
export const KAFKA_SHAPES: Record<string, Shape> = {
  'kafka.topicPrefix': 'string',
  'kafka.partitions': 'int',
  'kafka.retentionMs': 'int',
  'kafka.sessionTimeoutMs': 'int',
  'kafka.wireFormat': ['single-object', 'confluent'],
  'kafka.schemaRegistryUrl': 'string',
  'kafka.schemaRegistryUser': 'string',
  'kafka.schemaRegistryPassword': 'string',
};

/** Environment variables that set `kafka.*` keys. */
export const KAFKA_ENV_KEYS: Record<string, string> = {
  LAMINI_TOPIC_PREFIX: 'kafka.topicPrefix',
  LAMINI_WIRE_FORMAT: 'kafka.wireFormat',
  LAMINI_SCHEMA_REGISTRY_URL: 'kafka.schemaRegistryUrl',
  LAMINI_SCHEMA_REGISTRY_USER: 'kafka.schemaRegistryUser',
  LAMINI_SCHEMA_REGISTRY_PASSWORD: 'kafka.schemaRegistryPassword',
};

/** `kafka.*` numbers that must be greater than 0. */
export const KAFKA_POSITIVE: readonly string[] = ['kafka.partitions', 'kafka.retentionMs', 'kafka.sessionTimeoutMs'];

/** The registry settings checked together: a URL is needed for `confluent`, is http(s), and holds no credentials. */
export function registryIssues(kafka: KafkaConfig): ConfigIssue[] {
  const path = 'kafka.schemaRegistryUrl';
  const url = kafka.schemaRegistryUrl;
  if (url === '') {
    return kafka.wireFormat === 'confluent'
      ? [{ path, message: 'must be set when kafka.wireFormat is confluent (--schema-registry URL, env LAMINI_SCHEMA_REGISTRY_URL)' }]
      : [];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [{ path, message: 'must be an http:// or https:// URL' }];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return [{ path, message: 'must be an http:// or https:// URL' }];
  // Never echo the URL here: it may hold a password.
  if (parsed.username !== '' || parsed.password !== '') {
    return [{ path, message: 'must not hold credentials: use kafka.schemaRegistryUser and LAMINI_SCHEMA_REGISTRY_PASSWORD' }];
  }
  return [];
}
