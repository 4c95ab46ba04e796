/** `lamini operator NAME --brokers ...`: one operator as a member of its consumer group on Kafka. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { openCorpus, type Corpus } from '../../corpus/index.ts';
import { corpusStore } from '../../pipeline/corpus-store.ts';
import { OPERATOR_NAMES, runKafkaOperator, type OperatorName } from '../../pipeline/kafka-operator.ts';
import { kafkaCodec, wireFormatLine } from '../../pipeline/kafka-codec.ts';
import { kafkaSettings } from '../../pipeline/kafka-run.ts';
import { loadTopics } from '../../seeds/index.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import { intOption, parse, roleTeacherFlags, ROLE_TEACHER_OPTIONS, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag, usdOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';
import { loadRunSeeds, trapInterrupt } from './run-setup.ts';
import { openTeacher, type RunTeacher } from './teacher-setup.ts';

export async function operatorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    brokers: { type: 'string' }, 'wire-format': { type: 'string' }, 'schema-registry': { type: 'string' }, ...TOPIC_PREFIX_OPTION, partitions: { type: 'string' }, target: { type: 'string' },
    'max-cost': { type: 'string' }, 'teacher-url': { type: 'string' },
    model: { type: 'string' }, ...ROLE_TEACHER_OPTIONS, concurrency: { type: 'string' }, 'run-seed': { type: 'string' }, 'no-default-seeds': { type: 'boolean' },
  }, 'operator');
  if (values.help === true) {
    process.stdout.write(`${HELP.operator}\n`);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined || !(OPERATOR_NAMES as readonly string[]).includes(name) || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, `lamini operator NAME: NAME is one of ${OPERATOR_NAMES.join(', ')} (see "lamini operator --help")`);
  }
  const op = name as OperatorName;
  const config = configFrom(values, {
    transport: 'kafka',
    brokers: stringOption(values, 'brokers'),
    'kafka.wireFormat': stringOption(values, 'wire-format'),
    'kafka.schemaRegistryUrl': stringOption(values, 'schema-registry'),
    ...topicPrefixFlag(values),
    'kafka.partitions': intOption(values, 'partitions', 1),
    'teacher.baseUrl': stringOption(values, 'teacher-url'),
    'teacher.model': stringOption(values, 'model'),
    ...roleTeacherFlags(values),
    'teacher.concurrency': intOption(values, 'concurrency', 1),
    runSeed: intOption(values, 'run-seed', 0),
    useDefaultSeeds: values['no-default-seeds'] === true ? false : undefined,
  });
  const kafka = kafkaSettings(config);
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${op}: ${line}\n`);
  };
  const codec: RecordCodec = await kafkaCodec(config);
  const stop = trapInterrupt();
  let teacher: RunTeacher | undefined;
  let corpus: Corpus | undefined;
  try {
    const seeds = op === 'planner' || op === 'generate' ? await loadRunSeeds(config, log) : undefined;
    if (op === 'generate' || op === 'respond') teacher = await openTeacher(config, log, op === 'generate' ? 'instruction' : 'response');
    if (op === 'sink') corpus = await openCorpus(config.dataDir);
    const target = intOption(values, 'target', 1);
    const maxCostUsd = usdOption(values, 'max-cost');
    // The planner reads no topic and joins no group: it only writes <prefix>tasks.
    const role = op === 'planner' ? `planning into ${kafka.prefix ?? ''}tasks` : `joining group ${kafka.prefix ?? ''}${op}`;
    log(`${role} on ${kafka.brokers.join(',')} · ${wireFormatLine(config.kafka)}`);
    const stats = await runKafkaOperator({
      name: op, config: teacher?.config ?? config, kafka, codec, signal: stop.signal, onLog: log,
      ...(teacher === undefined ? {} : { teacher: teacher.teacher, responseTeacher: teacher.responseTeacher, ledger: teacher.ledger }),
      ...(seeds === undefined ? {} : { seeds }),
      ...(op === 'planner' ? { topics: await loadTopics() } : {}),
      ...(corpus === undefined ? {} : { store: corpusStore(corpus) }),
      ...(target === undefined ? {} : { target }),
      ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    });
    log(`stopped: ${JSON.stringify(stats)}`);
    return stop.signal.aborted ? 130 : 0;
  } finally {
    stop.release();
    await teacher?.close();
    await corpus?.close();
  }
}
