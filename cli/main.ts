#!/usr/bin/env node
/**
 * The `lamini` command. A thin adapter: it parses flags, loads and validates the configuration, calls
 * the library, and turns every expected failure into one line on stderr and a non-zero exit.
 * LAMINI_DEBUG=1 adds the stack of an unexpected error.
 */
import { LaminiError, ErrorCodes, describeError } from '../common/errors.ts';
import { redact } from '../teacher/redact.ts';
import { HELP, VERSION } from './help.ts';
type Command = (argv: string[]) => Promise<number>;

/**
 * Each command's module is loaded only when it runs: `lamini operator` does not load TensorFlow for `lamini
 * train`, nor `lamini query` the Kafka client. Loading every command up front took about 3.7 s a start.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.ts')).runCommand,
  query: async () => (await import('./commands/query.ts')).queryCommand,
  stats: async () => (await import('./commands/stats.ts')).statsCommand,
  seed: async () => (await import('./commands/seed.ts')).seedCommand,
  teacher: async () => (await import('./commands/teacher.ts')).teacherCommand,
  dedup: async () => (await import('./commands/dedup.ts')).dedupCommand,
  operator: async () => (await import('./commands/operator.ts')).operatorCommand,
  topics: async () => (await import('./commands/topics.ts')).topicsCommand,
  dlq: async () => (await import('./commands/dlq.ts')).dlqCommand,
  train: async () => (await import('./commands/train.ts')).trainCommand,
  ask: async () => (await import('./commands/ask.ts')).askCommand,
  eval: async () => (await import('./commands/eval.ts')).evalCommand,
  config: async () => (await import('./commands/config.ts')).configCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  rate: async () => (await import('./commands/rate.ts')).rateCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP.main}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (load === undefined) throw new LaminiError(ErrorCodes.USAGE, `unknown command "${command}" (see "lamini --help")`);
  return (await load())(rest);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof LaminiError) return error.code === ErrorCodes.USAGE || error.code === ErrorCodes.CONFIG_INVALID ? 2 : 1;
  return 1;
}

const apiKey = process.env.OPENAI_API_KEY ?? '';
const registryPassword = process.env.LAMINI_SCHEMA_REGISTRY_PASSWORD ?? '';
/** Secrets from the environment never reach stderr, whatever an error says. */
const scrub = (line: string): string => redact(redact(line, apiKey, 2000), registryPassword, 2000);

main(process.argv.slice(2)).then(
  (code) => code,
  (error: unknown) => {
    const known = error instanceof LaminiError;
    const line = known ? error.message : `internal error: ${describeError(error)}`;
    process.stderr.write(`lamini: ${scrub(line)}\n`);
    if (!known && process.env.LAMINI_DEBUG === '1' && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack.split('\n').map(scrub).join('\n')}\n`);
    }
    return exitCodeFor(error);
  },
).then((code) => {
  // The command has closed or committed everything it owns (long-running ones, like `teacher serve`, return
  // only when stopped). Exit now: a client library's leftover timer must not keep a finished command alive,
  // as the Kafka client's did once after a broker crash and restart (the run printed "done" and never exited).
  process.exit(code);
});
