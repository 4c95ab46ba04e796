/**
 * The record codec a Kafka run or operator uses, from `kafka.wireFormat`: Avro single-object encoding (the
 * default, nothing to run beside the broker) or the Confluent wire format with ids from the schema registry at
 * `kafka.schemaRegistryUrl`, every topic's `<topic>-value` subject registered on start. The embedded transport
 * always uses single-object encoding. `readOnly` (dlq list and --dry-run) registers nothing: the codec looks
 * writer schemas up by id only (ConfluentCodec.reader), so read-only registry credentials do.
 */
import type { Config, KafkaConfig } from '../../common/config.ts';
import { ConfluentCodec, RegistryClient, valueSubject, type ConfluentSubject } from '../../schemas/confluent/index.ts';
import { defaultRegistry, loadSchemaRegistry } from '../../schemas/index.ts';
import type { RecordCodec } from '../codec.ts';
import { TOPIC_NAMES, TOPIC_TYPES, topicNamer } from '../topics.ts';


export async function kafkaCodec(config: Config, options: { readOnly?: boolean } = {}): Promise<RecordCodec> {
  if (config.kafka.wireFormat !== 'confluent') return defaultRegistry();
  if (options.readOnly === true) return ConfluentCodec.reader(registryClient(config.kafka), loadSchemaRegistry());
  const topicName = topicNamer(config.kafka.topicPrefix);
  const subjects: ConfluentSubject[] = TOPIC_NAMES.map((topic) => ({ subject: valueSubject(topicName(topic)), type: TOPIC_TYPES[topic] }));
  // A registry of our own: writer schemas learned from the registry never leak into the shared one.
  return ConfluentCodec.open(registryClient(config.kafka), loadSchemaRegistry(), subjects);
}

export function registryClient(kafka: KafkaConfig): RegistryClient {
  return new RegistryClient({ url: kafka.schemaRegistryUrl, username: kafka.schemaRegistryUser, password: kafka.schemaRegistryPassword });
}

/** The wire format in a log line: `single-object Avro`, or the registry's URL (which holds no credentials). */
export function wireFormatLine(kafka: KafkaConfig): string {
  return kafka.wireFormat === 'confluent' ? `confluent wire format, schema registry ${kafka.schemaRegistryUrl}` : 'single-object Avro';
}
