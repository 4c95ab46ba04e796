#!/usr/bin/env node
/**
 * The `lamini` command. A thin adapter: it parses flags, loads and validates the configuration, calls
 * the library, and turns every expected failure into one line on stderr and a non-zero exit.
 * LAMINI_DEBUG=1 adds the stack of an unexpected error.
 */
import { LaminiError, ErrorCodes, describeError } from '../common/errors.ts';
import { redact } from '../teacher/redact.ts';
import { HELP, VERSION } from './help.ts';
import { runCommand } from './commands/run.ts';
import { queryCommand } from './commands/query.ts';
import { statsCommand } from './commands/stats.ts';
import { seedCommand } from './commands/seed.ts';
import { teacherCommand } from './commands/teacher.ts';
import { dedupCommand } from './commands/dedup.ts';
import { operatorCommand } from './commands/operator.ts';
import { topicsCommand } from './commands/topics.ts';
import { dlqCommand } from './commands/dlq.ts';
import { trainCommand } from './commands/train.ts';
import { askCommand } from './commands/ask.ts';
import { evalCommand } from './commands/eval.ts';
import { configCommand } from './commands/config.ts';
import { serveCommand } from './commands/serve.ts';
import { rateCommand } from './commands/rate.ts';
import { reportCommand } from './commands/report.ts';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  query: queryCommand,
  stats: statsCommand,
  seed: seedCommand,
  teacher: teacherCommand,
  dedup: dedupCommand,
  operator: operatorCommand,
  topics: topicsCommand,
  dlq: dlqCommand,
  train: trainCommand,
  ask: askCommand,
  eval: evalCommand,
  config: configCommand,
  serve: serveCommand,
  rate: rateCommand,
  report: reportCommand,
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
  const run = COMMANDS[command];
  if (run === undefined) throw new LaminiError(ErrorCodes.USAGE, `unknown command "${command}" (see "lamini --help")`);
  return run(rest);
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
