/** `lamini dlq replay|list`: dead letters back to their topic after a fix (pipeline/dlq-replay*.ts), counted. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { replaySummary, type ReplayCounts } from '../../pipeline/dlq-replay.ts';
import { replayDeadLetters, type ReplayResult } from '../../pipeline/dlq-replay-run.ts';
import { OPERATOR_NAMES } from '../../pipeline/kafka-operator.ts';
import { kafkaCodec } from '../../pipeline/kafka-codec.ts';
import { kafkaSettings, kafkaTransport, topicNamer } from '../../pipeline/kafka-run.ts';
import { parse, stringOption, type Parsed } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

const SUBCOMMANDS = ['replay', 'list'] as const;

export async function dlqCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    reason: { type: 'string', multiple: true }, operator: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, transport: { type: 'string' }, brokers: { type: 'string' },
    'wire-format': { type: 'string' }, 'schema-registry': { type: 'string' },
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
    if (!(OPERATOR_NAMES as readonly string[]).includes(op)) {
      throw new LaminiError(ErrorCodes.USAGE, `--operator "${op}" is not one of ${OPERATOR_NAMES.join(', ')}`);
    }
  }
  const config = configFrom(values, {
    transport: stringOption(values, 'transport'), brokers: stringOption(values, 'brokers'),
    'kafka.wireFormat': stringOption(values, 'wire-format'), 'kafka.schemaRegistryUrl': stringOption(values, 'schema-registry'),
  });
  if (config.transport !== 'kafka') {
    throw new LaminiError(ErrorCodes.USAGE,
      `lamini dlq ${sub} needs --transport kafka --brokers HOST:PORT: an embedded run keeps its dead letters only in the corpus ("lamini stats" counts them by reason)`);
  }
  const kafka = kafkaSettings(config);
  const codec = await kafkaCodec(config);
  const transport = kafkaTransport(kafka);
  const list = sub === 'list';
  let result: ReplayResult;
  try {
    result = await replayDeadLetters({
      transport, topicName: topicNamer(kafka.prefix), codec, dataDir: config.dataDir,
      filter: list ? { reasons: [], operators: [] } : { reasons, operators }, dryRun: list || values['dry-run'] === true,
    });
  } finally {
    await transport.close();
  }
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify({ dryRun: list || values['dry-run'] === true, ...result.counts, notReplayableWhy: result.notReplayableWhy }, null, 2)}\n`);
    return 0;
  }
  if (list) {
    process.stdout.write(`${letterTable(result.counts)}\n`);
    return 0;
  }
  process.stdout.write(`${replaySummary(result.counts, values['dry-run'] === true)}\n`);
  for (const [reason, why] of Object.entries(result.notReplayableWhy)) process.stderr.write(`not replayable: ${reason}: ${why}\n`);
  return 0;
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
