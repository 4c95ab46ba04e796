/** `lamini topics create --brokers ... [--partitions N] [--topic-prefix P]`: the pipeline's topics, with partitions and retention from config. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { kafkaSettings, kafkaTransport } from '../../streams/kafka/settings.ts';
import { allTopics, topicNamer } from '../../streams/topics.ts';
import { intOption, parse, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export async function topicsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { brokers: { type: 'string' }, partitions: { type: 'string' }, ...TOPIC_PREFIX_OPTION }, 'topics');
  if (values.help === true) {
    process.stdout.write(`${HELP.topics}\n`);
    return 0;
  }
  if (positionals[0] !== 'create' || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, 'usage: lamini topics create --brokers HOST:PORT [--partitions N] [--topic-prefix PREFIX] (see "lamini topics --help")');
  }
  const config = configFrom(values, {
    transport: 'kafka', brokers: stringOption(values, 'brokers'), 'kafka.partitions': intOption(values, 'partitions', 1), ...topicPrefixFlag(values),
  });
  const kafka = kafkaSettings(config);
  const transport = kafkaTransport(kafka);
  try {
    const specs = allTopics(topicNamer(kafka.prefix), kafka.partitions);
    await transport.createTopics(specs);
    // The partitions each topic has now (an existing topic keeps its own), read from the broker's metadata.
    const counts = await transport.inner.partitionCounts(specs.map((s) => s.name));
    for (const s of specs) process.stdout.write(`${s.name}\t${counts.get(s.name) ?? 0} partitions\n`);
    return 0;
  } finally {
    await transport.close();
  }
}
