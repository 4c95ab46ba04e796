/** `lamini operator NAME --brokers ...`: one operator as a member of its consumer group on Kafka. */
import { setTimeout as sleep } from 'node:timers/promises';
import { LaminiError, ErrorCodes, describeError } from '../../common/errors.ts';
import { operatorLag } from '../../pipeline/lag.ts';
import { waitDrained } from '../../pipeline/lifecycle.ts';
import { isStageName } from '../../pipeline/stages.ts';
import { openCorpus, type Corpus } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { OPERATOR_NAMES, runOperatorProcess, type OperatorName } from '../../pipeline/operator-process.ts';
import { wireFormatLine } from '../../streams/kafka/codec.ts';
import { openTransport, type OpenedTransport } from '../../streams/open.ts';
import { kafkaSettings, type KafkaSettings } from '../../streams/kafka/settings.ts';
import { roleTeacherConfig } from '../../common/config.ts';
import { GroupMemberReader } from '../../streams/kafka/index.ts';
import { DEFAULT_TOPIC_PREFIX } from '../../streams/topics.ts';
import { shareBudgetAcrossMembers } from '../../teacher/index.ts';
import { loadTopics } from '../../seeds/index.ts';
import { jsonLogger, logLine, meteredTransport, observedTeachers, serveMetrics, textLogger } from '../../observability/index.ts';
import { intOption, logFormatOption, metricsPortOption, OBSERVABILITY_OPTIONS, parse, roleTeacherFlags, ROLE_TEACHER_OPTIONS, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag, usdOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';
import { loadRunSeeds, trapInterrupt } from './run-setup.ts';
import { openTeacher, type RunTeacher } from './teacher-setup.ts';

export async function operatorCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    brokers: { type: 'string' }, 'wire-format': { type: 'string' }, 'schema-registry': { type: 'string' }, ...TOPIC_PREFIX_OPTION, partitions: { type: 'string' }, target: { type: 'string' },
    'max-cost': { type: 'string' }, 'teacher-url': { type: 'string' }, 'until-drained': { type: 'boolean' },
    model: { type: 'string' }, ...ROLE_TEACHER_OPTIONS, concurrency: { type: 'string' }, 'run-seed': { type: 'string' }, 'no-default-seeds': { type: 'boolean' },
    ...OBSERVABILITY_OPTIONS,
  }, 'operator');
  if (values.help === true) {
    process.stdout.write(`${HELP.operator}\n`);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined || !isStageName(name) || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, `lamini operator NAME: NAME is one of ${OPERATOR_NAMES.join(', ')} (see "lamini operator --help")`);
  }
  const op: OperatorName = name;
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
  const metricsPort = metricsPortOption(values);
  const logger = logFormatOption(values) === 'json'
    ? jsonLogger({ command: 'operator', base: { operator: op } })
    : textLogger((line) => process.stderr.write(`${new Date().toISOString()} ${op}: ${line}\n`));
  const log = (line: string): void => logLine(logger, line);
  const stop = trapInterrupt();
  let teacher: RunTeacher | undefined;
  let corpus: Corpus | undefined;
  let share: { close(): Promise<void> } | undefined;
  let opened: OpenedTransport | undefined;
  const served = await serveMetrics(metricsPort, logger);
  const metrics = served.metrics;
  try {
    const seeds = op === 'planner' || op === 'generate' ? await loadRunSeeds(config, log) : undefined;
    if (op === 'generate' || op === 'respond') teacher = await openTeacher(config, log, op === 'generate' ? 'instruction' : 'response');
    if (op === 'sink') corpus = await openCorpus(config.dataDir);
    const target = intOption(values, 'target', 1);
    const maxCostUsd = usdOption(values, 'max-cost');
    // The planner also reads the terminal topics (group <prefix>planner), to learn which of its tasks finished.
    const role = op === 'planner' ? `planning into ${kafka.prefix ?? ''}tasks` : `joining group ${kafka.prefix ?? ''}${op}`;
    log(`${role} on ${kafka.brokers.join(',')} · ${wireFormatLine(config.kafka)}`);
    // A budget (rpm, tpm) is the stage's, not each member's: split it among the live members (docs/budgets.md).
    share = teacher === undefined || (op !== 'generate' && op !== 'respond') ? undefined : shareBudget(teacher, op, kafka, log, stop.signal);
    // --until-drained: stop once the planner finished and this stage's input is drained (pipeline/lifecycle.ts).
    const stage = new AbortController();
    stop.signal.addEventListener('abort', () => stage.abort(), { once: true });
    if (values['until-drained'] === true && op !== 'planner') {
      void untilDrained(op, config.dataDir, kafka, stage.signal).then((drained) => {
        if (!drained) return;
        log('drained: the planner finished and there is nothing left to read; stopping');
        stage.abort();
      }, (error: unknown) => log(`--until-drained: ${describeError(error)}; running on until stopped`));
    }
    opened = meteredTransport(await openTransport(config, { log }), metrics);
    const stats = await runOperatorProcess({
      name: op, config: teacher?.config ?? config, opened, signal: stage.signal, onLog: log,
      ...(teacher === undefined ? {} : { ...observedTeachers(metrics, teacher), ledger: teacher.ledger }),
      ...(seeds === undefined ? {} : { seeds }),
      ...(op === 'planner' ? { topics: await loadTopics() } : {}),
      ...(corpus === undefined ? {} : { store: corpusStore(corpus) }),
      ...(target === undefined ? {} : { target }),
      ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    });
    logger.info(`stopped: ${JSON.stringify(stats)}`, { stats: stats.toJSON() });
    // SIGTERM is how supervisors stop a service: a graceful stop (everything done is committed) exits 0.
    // Ctrl-C exits 130, as a shell expects of an interrupted command.
    return stop.by === 'SIGINT' ? 130 : 0;
  } finally {
    stop.release();
    await share?.close();
    await opened?.close();
    await teacher?.close();
    await corpus?.close();
    await served.close();
  }
}

/**
 * Keeps this member's share of its teacher's budget: the configured rpm and tpm divided by the live members
 * of the groups that spend it (generate and respond together when both call one teacher). A local teacher runs
 * in each process, so it has nothing to share.
 */
function shareBudget(
  teacher: RunTeacher, op: 'generate' | 'respond', kafka: KafkaSettings, log: (line: string) => void, signal: AbortSignal,
): { close(): Promise<void> } | undefined {
  const role = op === 'generate' ? 'instruction' : 'response';
  const t = roleTeacherConfig(teacher.config.teacher, role);
  if (t.baseUrl === '' || (t.rpm <= 0 && t.tpm <= 0)) return undefined;
  const prefix = kafka.prefix ?? DEFAULT_TOPIC_PREFIX;
  const groups = teacher.oneTeacher ? [`${prefix}generate`, `${prefix}respond`] : [`${prefix}${op}`];
  const reader = new GroupMemberReader({ clientId: 'lamini-budget', ...kafka.client, brokers: kafka.brokers }, groups);
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  signal.addEventListener('abort', onStop, { once: true });
  const handle = shareBudgetAcrossMembers({
    budget: teacher.budgets[role], readMembers: () => reader.count(), what: groups.join(' + '), log, signal: stop.signal,
  });
  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        signal.removeEventListener('abort', onStop);
        stop.abort();
        await handle.stopped;
        await reader.close();
      })();
      return closed;
    },
  };
}

/** Resolves true once the planner finished and every group up to this stage's has no lag. */
async function untilDrained(op: Exclude<OperatorName, 'planner'>, dataDir: string, kafka: KafkaSettings, signal: AbortSignal): Promise<boolean> {
  const startedAt = Date.now();
  return waitDrained({
    stage: op, dataDir, startedAt, signal, sleep: (ms, s) => sleep(ms, undefined, { signal: s }).catch(() => {}),
    readLag: async () => {
      const lag = await operatorLag(kafka, 10_000);
      return new Map(lag.operators.map((g) => [g.operator, g.lag]));
    },
  });
}
