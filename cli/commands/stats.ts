import { corpusStats, EMBEDDED_LAG_NOTE, formatLag, formatStats, type LagStats } from '../../corpus/index.ts';
import { operatorLag } from '../../pipeline/lag.ts';
import { kafkaSettings } from '../../streams/kafka/settings.ts';
import { BROKER_TIMEOUT_OPTION, brokerTimeoutMs, parse, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export async function statsCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    json: { type: 'boolean' }, transport: { type: 'string' }, brokers: { type: 'string' }, ...TOPIC_PREFIX_OPTION, ...BROKER_TIMEOUT_OPTION,
  }, 'stats');
  if (values.help === true) {
    process.stdout.write(`${HELP.stats}\n`);
    return 0;
  }
  const config = configFrom(values, { transport: stringOption(values, 'transport'), brokers: stringOption(values, 'brokers'), ...topicPrefixFlag(values) });
  const timeoutMs = brokerTimeoutMs(values);
  // Brokers are checked before the corpus is read, so a usage mistake is reported at once.
  const kafka = config.transport === 'kafka' ? kafkaSettings(config) : undefined;
  const stats = await corpusStats(config.dataDir);
  const lag: LagStats = kafka === undefined ? { transport: 'embedded', note: EMBEDDED_LAG_NOTE } : await operatorLag(kafka, timeoutMs);
  process.stdout.write(values.json === true
    ? `${JSON.stringify({ ...stats, lag }, null, 2)}\n`
    : `${formatStats(stats)}${formatLag(lag)}`);
  return 0;
}
