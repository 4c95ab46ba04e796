/** `lamini run`: wires config, seeds, teacher, corpus and the embedded pipeline together. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { openCorpus } from '../../corpus/index.ts';
import { corpusStore } from '../../pipeline/corpus-store.ts';
import { runEmbedded } from '../../pipeline/run.ts';
import { kafkaCodec, wireFormatLine } from '../../pipeline/kafka-codec.ts';
import { kafkaSettings, runKafka } from '../../pipeline/kafka-run.ts';
import { progressLine, type RunProgress } from '../../pipeline/progress.ts';
import { defaultRegistry } from '../../schemas/index.ts';
import { loadTopics } from '../../seeds/index.ts';
import type { RecordCodec } from '../../streams/codec.ts';
import { intOption, parse, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag, usdOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { createDisplay } from '../display.ts';
import { HELP } from '../help.ts';
import { loadRunSeeds, TEACHER_FLAGS, teacherFlagConfig, trapInterrupt } from './run-setup.ts';
import { openTeacher, type RunTeacher } from './teacher-setup.ts';

/** `model`, or `model (instructions) + model (responses)` with two teachers. */
function teacherNames(t: RunTeacher): string {
  return t.teacher === t.responseTeacher ? t.teacher.model : `${t.teacher.model} (instructions) + ${t.responseTeacher.model} (responses)`;
}

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...TEACHER_FLAGS, target: { type: 'string' }, transport: { type: 'string' }, brokers: { type: 'string' }, 'wire-format': { type: 'string' },
    'schema-registry': { type: 'string' }, ...TOPIC_PREFIX_OPTION, instances: { type: 'string' }, 'run-seed': { type: 'string' }, 'max-cost': { type: 'string' }, quiet: { type: 'boolean' },
  }, 'run');
  if (values.help === true) {
    process.stdout.write(`${HELP.run}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini run --help")`);
  const target = intOption(values, 'target', 1) ?? 100;
  const maxCost = usdOption(values, 'max-cost');
  const config = configFrom(values, {
    ...teacherFlagConfig(values),
    transport: stringOption(values, 'transport'),
    brokers: stringOption(values, 'brokers'),
    'kafka.wireFormat': stringOption(values, 'wire-format'),
    'kafka.schemaRegistryUrl': stringOption(values, 'schema-registry'),
    ...topicPrefixFlag(values),
    runSeed: intOption(values, 'run-seed', 0),
  });
  const kafka = config.transport === 'kafka' ? kafkaSettings(config) : undefined;
  const instances = intOption(values, 'instances', 1) ?? 1;
  const display = createDisplay(target, {
    tty: process.stderr.isTTY === true, quiet: values.quiet === true, intervalMs: Math.max(config.run.progressIntervalMs, 10_000),
  });

  const seeds = await loadRunSeeds(config, display.log);
  const topics = await loadTopics();
  const codec: RecordCodec = kafka === undefined ? defaultRegistry() : await kafkaCodec(config);

  const corpus = await openCorpus(config.dataDir);
  const stop = trapInterrupt(() => display.log('interrupted: committing what is done; tasks in flight are redone on the next run'));
  const teacher = await openTeacher(config, display.log);
  try {
    display.log(`run: target ${target} new examples · ${seeds.length} seeds · teacher ${teacherNames(teacher)} · data ${config.dataDir}`);
    const runOptions = {
      config: teacher.config, target, store: corpusStore(teacher.withLedger(corpus)), teacher: teacher.teacher, responseTeacher: teacher.responseTeacher,
      // Spend in the progress line comes from the ledger; with no --max-cost the limit is never reached.
      costLimit: teacher.ledger.costLimit(maxCost ?? Number.POSITIVE_INFINITY), seeds, topics, codec,
      signal: stop.signal, onProgress: (p: RunProgress) => display.progress(p), onLog: display.log,
    };
    if (kafka !== undefined) {
      display.log(`run: kafka ${kafka.brokers.join(',')} · topics ${kafka.prefix ?? ''}* · ${kafka.partitions} partitions · ${wireFormatLine(config.kafka)}`);
    }
    const summary = kafka === undefined ? await runEmbedded(runOptions) : await runKafka({ ...runOptions, kafka, instances });
    display.done();
    display.log(`done: ${progressLine(summary, target)}`);
    if (summary.stoppedBy === 'stalled') {
      throw new LaminiError(ErrorCodes.RUN_STALLED,
        `stopped: the teacher produced no usable example for ${Math.round(config.run.stallTimeoutMs / 1000)} s ` +
        `(see "lamini stats" for dead letters by reason)`);
    }
    return summary.stoppedBy === 'interrupted' ? 130 : 0;
  } finally {
    stop.release();
    await teacher.close();
    await corpus.close();
  }
}
