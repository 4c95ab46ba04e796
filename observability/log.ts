/**
 * Logs in two formats. `text` (the default) is each command's readable lines, as they always were; `json`
 * (`--log-format json`) is one JSON object per line on stderr, written by pino, with the same fields on every
 * command: `time` (ISO 8601), `level`, `command`, `msg`, then the fields of the event. Every line passes through
 * teacher/redact.ts with the secrets of the environment first, so an API key never reaches a log.
 */
import pino from 'pino';
import { redact } from '../teacher/redact.ts';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(value: string): value is LogFormat {
  return LOG_FORMATS.some((f) => f === value);
}

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Fields every JSON line has; an event's field of the same name is left out rather than written twice. */
const RESERVED = new Set(['time', 'level', 'command', 'msg']);

/** The secrets `lamini` keeps out of what it prints (as cli/main.ts does for its error line). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.OPENAI_API_KEY ?? '', env.LAMINI_SCHEMA_REGISTRY_PASSWORD ?? ''].filter((s) => s.length > 0);
}

/** Removes every secret (and anything shaped like a key or bearer token) from a line; keeps it one line. */
export function scrubLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) out = redact(out, secret, Number.MAX_SAFE_INTEGER);
  return secrets.length === 0 ? redact(out, '', Number.MAX_SAFE_INTEGER) : out;
}

export interface JsonLoggerOptions {
  /** The `lamini` command (`run`, `operator`, `train`). */
  command: string;
  /** Fields on every line after `command` (an operator process adds `operator`). */
  base?: LogFields;
  secrets?: readonly string[];
  /** Where lines go (default: stderr, written synchronously so nothing is lost when the command exits). */
  destination?: pino.DestinationStream;
}

export function jsonLogger(options: JsonLoggerOptions): Logger {
  const secrets = options.secrets ?? environmentSecrets();
  const logger = pino({
    base: { command: options.command, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    hooks: { streamWrite: (line) => `${scrubLine(line, secrets)}\n` },
  }, options.destination ?? pino.destination({ dest: 2, sync: true }));
  const at = (level: 'info' | 'warn' | 'error') => (msg: string, fields: LogFields = {}): void => {
    const event = Object.fromEntries(Object.entries(fields).filter(([k]) => !RESERVED.has(k)));
    logger[level](event, msg);
  };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** The text format: the message as the command always wrote it (`write` adds its time or prefix); fields are not shown. */
export function textLogger(write: (line: string) => void): Logger {
  const line = (msg: string): void => write(msg);
  return { info: line, warn: line, error: line };
}

/** A line that warns (`WARNING: …`, as the run's generation watch writes them) logs at level warn. */
export function logLine(logger: Logger, line: string, fields?: LogFields): void {
  if (/^WARNING\b/.test(line)) logger.warn(line, fields);
  else logger.info(line, fields);
}
