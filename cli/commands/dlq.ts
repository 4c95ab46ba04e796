/**
 * `lamini dlq replay|list`: dead letters back to their topic after a fix (pipeline/dlq-replay*.ts), counted.
 * Kafka: the letters of the dead-letter topic, sent back for the pipeline's next run; embedded: the corpus's
 * letters, replayed by a run of their own.
 */
import type { Config } from '../../common/config.ts';
import { LaminiError, ErrorCodes, isLaminiError } from '../../common/errors.ts';
import { openCorpus, readManifest } from '../../corpus/index.ts';
import { corpusStore } from '../../corpus/pipeline-store.ts';
import { planCorpusReplay, runReplay, type ReplayOutcome } from '../../dlq/replay-embedded.ts';
import { replaySummary, type ReplayCounts } from '../../dlq/plan.ts';
import { replayDeadLetters, type ReplayResult } from '../../dlq/replay.ts';
import { STAGE_NAMES } from '../../pipeline/stages.ts';
import { openTransport } from '../../streams/open.ts';
import { defaultRegistry } from '../../schemas/index.ts';
import { BROKER_TIMEOUT_OPTION, brokerTimeoutMs, parse, stringOption, TOPIC_PREFIX_OPTION, topicPrefixFlag, type Parsed } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';
import { loadRunSeeds, TEACHER_FLAGS, teacherFlagConfig, trapInterrupt } from './run-setup.ts';
import { openTeacher } from './teacher-setup.ts';

const SUBCOMMANDS = ['replay', 'list'] as const;
/** The operators that write dead letters (`--operator`): every operator but the planner, which reads no topic. */
const LETTER_OPERATORS: readonly string[] = STAGE_NAMES.filter((name) => name !== 'planner');

export async function dlqCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    reason: { type: 'string', multiple: true }, operator: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, transport: { type: 'string' }, brokers: { type: 'string' },
    'wire-format': { type: 'string' }, 'schema-registry': { type: 'string' }, ...TOPIC_PREFIX_OPTION, ...BROKER_TIMEOUT_OPTION, ...TEACHER_FLAGS,
  }, 'dlq');
  if (values.help === true) {
    process.stdout.write(`${HELP.dlq}\n`);
    return 0;
  }
  const sub = positionals[0];
  if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(sub) || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, 'usage: lamini dlq replay|list [--reason CODE] [--operator NAME] [--dry-run] [--json] (see "lamini dlq --help")');
  }
  const reasons = listOption(values, 'reason');
  for (const r of reasons) {
    if (!/^[a-z][a-z0-9_]*$/.test(r)) throw new LaminiError(ErrorCodes.USAGE, `--reason "${r}" is not a reason code (snake_case, as "lamini stats" lists them)`);
  }
  const operators = listOption(values, 'operator');
  for (const op of operators) {
    if (!LETTER_OPERATORS.includes(op)) {
      throw new LaminiError(ErrorCodes.USAGE, `--operator "${op}" is not one of ${LETTER_OPERATORS.join(', ')} (the operators that write dead letters)`);
    }
  }
  const config = configFrom(values, {
    ...teacherFlagConfig(values), transport: stringOption(values, 'transport'), brokers: stringOption(values, 'brokers'),
    'kafka.wireFormat': stringOption(values, 'wire-format'), 'kafka.schemaRegistryUrl': stringOption(values, 'schema-registry'),
    ...topicPrefixFlag(values),
  });
  const list = sub === 'list';
  const dryRun = list || values['dry-run'] === true;
  const filter = list ? { reasons: [], operators: [] } : { reasons, operators };
  const timeoutMs = brokerTimeoutMs(values);
  const result: ReplayResult & { outcome?: ReplayOutcome } = config.transport === 'kafka' ? await replayOnKafka(config, filter, dryRun, timeoutMs) : await replayEmbedded(config, filter, dryRun);
  for (const line of absentReasons(filter.reasons, result.counts)) process.stderr.write(`${line}\n`);
  if (values.json === true) {
    const { counts, notReplayableWhy, outcome } = result;
    process.stdout.write(`${JSON.stringify({ dryRun, ...counts, notReplayableWhy, ...(outcome === undefined ? {} : { run: outcome }) }, null, 2)}\n`);
    return exitCode(result.outcome);
  }
  if (list) {
    process.stdout.write(`${letterTable(result.counts)}\n`);
    return 0;
  }
  process.stdout.write(`${replaySummary(result.counts, dryRun)}\n`);
  for (const [reason, why] of Object.entries(result.notReplayableWhy)) process.stderr.write(`not replayable: ${reason}: ${why}\n`);
  return exitCode(result.outcome);
}

type Filter = { reasons: string[]; operators: string[] };

async function replayOnKafka(config: Config, filter: Filter, dryRun: boolean, timeoutMs: number): Promise<ReplayResult> {
  const opened = await openTransport(config, { readOnly: dryRun, timeoutMs });
  try {
    return await replayDeadLetters({ transport: opened.transport, topicName: opened.topicName, codec: opened.codec, dataDir: config.dataDir, filter, dryRun });
  } finally {
    await opened.close();
  }
}

/**
 * The embedded transport: letters from the corpus. A count reads the committed shards (no lock, like
 * "lamini query"); a replay takes the corpus and runs the stages until what it sent is committed
 * (dlq/replay-embedded.ts). The teacher starts only when there is something to send.
 */
async function replayEmbedded(config: Config, filter: Filter, dryRun: boolean): Promise<ReplayResult & { outcome?: ReplayOutcome }> {
  const codec = defaultRegistry();
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  if (dryRun) return planCorpusReplay({ dataDir: config.dataDir, manifest: await readManifest(config.dataDir), filter, codec });
  const corpus = await openCorpus(config.dataDir).catch((error: unknown) => {
    if (!isLaminiError(error, ErrorCodes.CORPUS_LOCKED)) throw error;
    throw new LaminiError(ErrorCodes.CORPUS_LOCKED,
      `lamini dlq replay writes the corpus, and ${error.message}: let that run finish (or stop it), then replay`, { cause: error });
  });
  const stop = trapInterrupt(() => log('interrupted: committing what is done; nothing is logged as replayed, so the next replay sends these letters again'));
  try {
    const plan = await planCorpusReplay({ dataDir: config.dataDir, manifest: corpus.manifest(), filter, codec });
    if (plan.sends.length === 0) return plan;
    const seeds = await loadRunSeeds(config, log);
    const teacher = await openTeacher(config, log);
    try {
      log(`replay: ${plan.sends.length} records back into their topics · teacher ${teacher.teacher.model} · data ${config.dataDir}`);
      const outcome = await runReplay({
        config: teacher.config, store: corpusStore(teacher.withLedger(corpus)), teacher: teacher.teacher, responseTeacher: teacher.responseTeacher, seeds, codec,
        dataDir: config.dataDir, sends: plan.sends, signal: stop.signal,
      });
      log(`replay: ${outcomeLine(outcome)}`);
      if (outcome.stoppedBy === 'stalled') {
        throw new LaminiError(ErrorCodes.RUN_STALLED,
          `stopped: the replay made no progress for ${Math.round(teacher.config.run.stallTimeoutMs / 1000)} s; nothing was logged as replayed, ` +
          'so the next replay sends these letters again (see "lamini stats" for dead letters by reason)');
      }
      return { ...plan, outcome };
    } finally {
      await teacher.close();
    }
  } finally {
    stop.release();
    await corpus.close();
  }
}

/** `committed 12 examples, 0 dropped, 1 new dead letter in 3.2 s`. */
function outcomeLine(o: ReplayOutcome): string {
  const letters = o.deadLetters === 1 ? 'new dead letter' : 'new dead letters';
  const dup = o.duplicates > 0 ? ` (${o.duplicates} already in the corpus)` : '';
  return `committed ${o.examples} examples${dup}, ${o.dropped} dropped, ${o.deadLetters} ${letters} in ${o.seconds.toFixed(1)} s` +
    (o.stoppedBy === 'interrupted' ? ' (interrupted)' : '');
}

function exitCode(outcome: ReplayOutcome | undefined): number {
  return outcome?.stoppedBy === 'interrupted' ? 130 : 0;
}

/** `no dead letters with reason X; reasons present: a, b` for each --reason that matched no letter. */
export function absentReasons(reasons: readonly string[], counts: ReplayCounts): string[] {
  const present = Object.keys(counts.byReason).sort();
  return reasons.filter((r) => counts.byReason[r] === undefined)
    .map((r) => `no dead letters with reason ${r}; reasons present: ${present.length === 0 ? 'none' : present.join(', ')}`);
}

/** `--reason a --reason b,c` → [a, b, c]. */
function listOption(values: Parsed['values'], name: string): string[] {
  const raw = values[name];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** One row per reason: letters, replayable now, already replayed, not replayable. */
function letterTable(counts: ReplayCounts): string {
  const rows = Object.entries(counts.byReason).sort(([a], [b]) => (a < b ? -1 : 1));
  if (rows.length === 0) return 'no dead letters';
  const head = ['reason', 'letters', 'replayable', 'already replayed', 'not replayable'];
  const body = rows.map(([reason, c]) => [reason, c.replayed + c.alreadyReplayed + c.notReplayable + c.skipped, c.replayed, c.alreadyReplayed, c.notReplayable].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
