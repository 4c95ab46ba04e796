/**
 * The one place a command gets its transport: `openTransport(config)` returns the transport the config names
 * (`transport`: embedded or kafka) with its topic namer, its record codec and where a run resumes on it. Every
 * command that touches topics (run, operator, dlq, topics) opens them here, so they agree on names, prefix and
 * wire format.
 */
import type { Config } from '../common/config.ts';
import { defaultRegistry } from '../schemas/index.ts';
import type { RecordCodec } from './codec.ts';
import { EmbeddedTransport } from './embedded.ts';
import { kafkaCodec } from './kafka/codec.ts';
import { brokerTimeouts, kafkaSettings, kafkaTransport, type KafkaSettings } from './kafka/settings.ts';
import { highestPlannedTask } from './scan.ts';
import { allTopics, topicNamer, Topics, type TopicName } from './topics.ts';
import type { Transport } from './transport.ts';

export interface OpenedTransport {
  kind: 'embedded' | 'kafka';
  transport: Transport;
  /** Topic names as this transport knows them (Kafka: `<prefix><name>`). */
  topicName: (name: TopicName) => string;
  codec: RecordCodec;
  /** Partitions of the topics this process creates (existing topics keep theirs). */
  partitions: number;
  /** Kafka: the settings, for reads through the admin API (lag, group members); undefined when embedded. */
  kafka: KafkaSettings | undefined;
  /** Creates every topic of the pipeline that does not exist yet. */
  createTopics(): Promise<void>;
  /**
   * The first task number a run may plan: after the highest task already in the tasks topic of a durable log
   * (tasks planned but not done are finished from there, not planned and paid for twice); 0 when embedded.
   */
  firstTask(): Promise<number>;
  close(): Promise<void>;
}

export interface OpenTransportOptions {
  /** Hears when a broker goes away and comes back. */
  log?: (line: string) => void;
  /** Register no schema (dry runs and listings: read-only registry credentials do). */
  readOnly?: boolean;
  /** Give up on a broker that does not answer after this long (one-shot commands), not the client's 2 minutes. */
  timeoutMs?: number;
  /** An embedded transport to use (tests and replays that keep one). */
  embedded?: EmbeddedTransport;
}

export async function openTransport(config: Config, options: OpenTransportOptions = {}): Promise<OpenedTransport> {
  if (config.transport !== 'kafka') {
    const transport = options.embedded ?? new EmbeddedTransport({ capacity: config.run.channelCapacity });
    const topicName = (name: TopicName): string => name;
    return {
      kind: 'embedded', transport, topicName, codec: defaultRegistry(), partitions: 1, kafka: undefined,
      createTopics: () => transport.createTopics(allTopics(topicName, 1)),
      firstTask: async () => 0,
      close: () => transport.close(),
    };
  }
  const settings = kafkaSettings(config);
  const kafka: KafkaSettings = options.timeoutMs === undefined
    ? settings
    : { ...settings, client: { ...settings.client, ...brokerTimeouts(options.timeoutMs) } };
  return openKafka(kafka, await kafkaCodec(config, { readOnly: options.readOnly === true }), options.log);
}

/** The Kafka transport of `settings` with `codec` (benchmarks and tests give their settings directly). */
export function openKafka(kafka: KafkaSettings, codec: RecordCodec, log?: (line: string) => void): OpenedTransport {
  const transport = kafkaTransport(kafka, log);
  const topicName = topicNamer(kafka.prefix);
  return {
    kind: 'kafka', transport, topicName, codec, partitions: kafka.partitions, kafka,
    createTopics: () => transport.createTopics(allTopics(topicName, kafka.partitions)),
    firstTask: async () => (await highestPlannedTask(transport, topicName(Topics.tasks))) + 1,
    close: () => transport.close(),
  };
}
