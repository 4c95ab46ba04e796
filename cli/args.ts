/** Flag parsing with node:util; an unknown or malformed option is a one-line usage error. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../trainers/backend/choices.ts';
import { isLogFormat, LOG_FORMATS, type LogFormat } from '../observability/log.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS: Options = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: Options, command: string): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const text = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    throw new LaminiError(ErrorCodes.USAGE, `${text.replace(/\. To specify a positional.*$/, '')} (see "lamini ${command} --help")`);
  }
}

export function intOption(values: Parsed['values'], name: string, min = 0): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < min) {
    throw new LaminiError(ErrorCodes.USAGE, `--${name} must be an integer >= ${min}, got "${String(raw)}"`);
  }
  return n;
}

export function stringOption(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--backend NAME` for the commands that run a student (default auto). */
export function backendOption(values: Parsed['values']): BackendChoice {
  const raw = stringOption(values, 'backend') ?? 'auto';
  const choice = BACKEND_CHOICES.find((c) => c === raw);
  if (choice === undefined) throw new LaminiError(ErrorCodes.USAGE, `--backend must be one of ${BACKEND_CHOICES.join(', ')}, got "${raw}"`);
  return choice;
}

/** Any finite number (`--lr 3e-4`, `--temperature 0.7`). */
export function numberOption(values: Parsed['values'], name: string): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new LaminiError(ErrorCodes.USAGE, `--${name} must be a number, got "${raw}"`);
  return n;
}

/** `--timeout SECONDS`: how long a command that reads Kafka keeps trying a broker that does not answer. */
export const BROKER_TIMEOUT_OPTION: Options = { timeout: { type: 'string' } };
export const DEFAULT_BROKER_TIMEOUT_S = 10;

/** `--timeout` in ms (default 10 s). */
export function brokerTimeoutMs(values: Parsed['values']): number {
  return (intOption(values, 'timeout', 1) ?? DEFAULT_BROKER_TIMEOUT_S) * 1000;
}

/** `--topic-prefix PREFIX`: the pipeline's topics and groups are `<PREFIX><name>` (config kafka.topicPrefix). */
export const TOPIC_PREFIX_OPTION: Options = { 'topic-prefix': { type: 'string' } };

/** The config key `--topic-prefix` sets (undefined: the env LAMINI_TOPIC_PREFIX, the config file, `lamini.`). */
export function topicPrefixFlag(values: Parsed['values']): Record<string, string | undefined> {
  return { 'kafka.topicPrefix': stringOption(values, 'topic-prefix') };
}

/** An amount of US dollars greater than 0 (`--max-cost 2.50`). */
export function usdOption(values: Parsed['values'], name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(typeof raw === 'string' ? raw.replace(/^\$/, '') : raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new LaminiError(ErrorCodes.USAGE, `--${name} must be an amount of USD greater than 0, got "${String(raw)}"`);
  }
  return n;
}

/** `--instruction-model`, `--response-model`, `--instruction-teacher-url`, `--response-teacher-url`: a second teacher. */
export const ROLE_TEACHER_OPTIONS: Options = {
  'instruction-model': { type: 'string' }, 'response-model': { type: 'string' },
  'instruction-teacher-url': { type: 'string' }, 'response-teacher-url': { type: 'string' },
};

/** The config keys the role teacher flags set. */
export function roleTeacherFlags(values: Parsed['values']): Record<string, string | undefined> {
  return {
    'teacher.instruction.model': stringOption(values, 'instruction-model'),
    'teacher.response.model': stringOption(values, 'response-model'),
    'teacher.instruction.baseUrl': stringOption(values, 'instruction-teacher-url'),
    'teacher.response.baseUrl': stringOption(values, 'response-teacher-url'),
  };
}

/** `--metrics-port N` and `--log-format text|json`: the observability flags of run, operator and train (observability/). */
export const OBSERVABILITY_OPTIONS: Options = { 'metrics-port': { type: 'string' }, 'log-format': { type: 'string' } };

/** The lines `--help` shows for OBSERVABILITY_OPTIONS. */
export const OBSERVABILITY_HELP = `  --metrics-port N      serve Prometheus metrics at http://127.0.0.1:N/metrics while it runs (0: any free
                        port, named in the log); the metrics are listed in docs/operations.md
  --log-format FORMAT   text (default: the readable lines) or json: one JSON object a line on stderr with
                        time, level, command, msg and the event's fields (secrets masked)`;

/** `--metrics-port N` (0: any free port, announced in the log); undefined: no metrics endpoint. */
export function metricsPortOption(values: Parsed['values']): number | undefined {
  const port = intOption(values, 'metrics-port', 0);
  if (port !== undefined && port > 65_535) throw new LaminiError(ErrorCodes.USAGE, `--metrics-port must be a port from 0 to 65535, got "${port}"`);
  return port;
}

/** `--log-format text|json` (default text, the readable lines). */
export function logFormatOption(values: Parsed['values']): LogFormat {
  const raw = stringOption(values, 'log-format') ?? 'text';
  if (!isLogFormat(raw)) throw new LaminiError(ErrorCodes.USAGE, `--log-format must be one of ${LOG_FORMATS.join(', ')}, got "${raw}"`);
  return raw;
}
