/** `lamini run`: wires config, seeds, teacher, corpus and the embedded pipeline together. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { openCorpus } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { runOn } from '../../pipeline/run.ts';
import { openTransport } from '../../streams/open.ts';
import { wireFormatLine } from '../../streams/kafka/codec.ts';
import { progressLine, type RunProgress } from '../../pipeline/progress.ts';
import { loadTopics } from '../../seeds/index.ts';
import { jsonLogger, meteredTransport, observedTeachers, serveMetrics, textLogger } from '../../observability/index.ts';
import { intOption, logFormatOption, metricsPortOption, OBSERVABILITY_OPTIONS, parse, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag, usdOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { createDisplay, progressFields } from '../display.ts';
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
    ...OBSERVABILITY_OPTIONS,
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
  const instances = intOption(values, 'instances', 1) ?? 1;
  const metricsPort = metricsPortOption(values);
  const json = logFormatOption(values) === 'json' ? jsonLogger({ command: 'run' }) : undefined;
  const display = createDisplay(target, {
    tty: process.stderr.isTTY === true, quiet: values.quiet === true, intervalMs: Math.max(config.run.progressIntervalMs, 10_000),
    ...(json === undefined ? {} : { json }),
  });

  const served = await serveMetrics(metricsPort, json ?? textLogger(display.log));
  const metrics = served.metrics;
  const opened = meteredTransport(await openTransport(config, { log: display.log }), metrics);
  const seeds = await loadRunSeeds(config, display.log);
  const topics = await loadTopics();

  const corpus = await openCorpus(config.dataDir);
  const stop = trapInterrupt(() => display.log('interrupted: committing what is done; tasks in flight are redone on the next run'));
  const teacher = await openTeacher(config, display.log);
  try {
    display.log(`run: target ${target} new examples · ${seeds.length} seeds · teacher ${teacherNames(teacher)} · data ${config.dataDir}`);
    const runOptions = {
      config: teacher.config, target, store: corpusStore(teacher.withLedger(corpus)),
      ...observedTeachers(metrics, teacher),
      // Spend in the progress line comes from the ledger; with no --max-cost the limit is never reached.
      costLimit: teacher.ledger.costLimit(maxCost ?? Number.POSITIVE_INFINITY), seeds, topics,
      signal: stop.signal, onLog: display.log,
      onProgress: (p: RunProgress) => {
        display.progress(p);
        metrics?.pipeline.progress(p);
      },
    };
    const kafka = opened.kafka;
    if (kafka !== undefined) {
      display.log(`run: kafka ${kafka.brokers.join(',')} · topics ${kafka.prefix ?? ''}* · ${kafka.partitions} partitions · ${wireFormatLine(config.kafka)}`);
    }
    const summary = await runOn(runOptions, opened, instances);
    display.done();
    display.log(`done: ${progressLine(summary, target)}`, { ...progressFields(summary, target), stopped_by: summary.stoppedBy });
    if (summary.stoppedBy === 'stalled') {
      throw new LaminiError(ErrorCodes.RUN_STALLED,
        `stopped: the teacher produced no usable example for ${Math.round(teacher.config.run.stallTimeoutMs / 1000)} s ` +
        `(see "lamini stats" for dead letters by reason)`);
    }
    return summary.stoppedBy === 'interrupted' ? 130 : 0;
  } finally {
    stop.release();
    await teacher.close();
    await corpus.close();
    await opened.close();
    await served.close();
  }
}

