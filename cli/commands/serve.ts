/** `lamini serve`: a student on an OpenAI-compatible endpoint, until interrupted (serve/server.ts). */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { openServedStudent, startStudentServer } from '../../serve/index.ts';
import { backendOption, intOption, parse, stringOption } from '../args.ts';
import { HELP } from '../help.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    checkpoint: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, backend: { type: 'string' },
    threads: { type: 'string' }, 'max-tokens': { type: 'string' },
  }, 'serve');
  if (values.help === true) {
    process.stdout.write(`${HELP['serve']}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini serve --help")`);
  const where = stringOption(values, 'checkpoint');
  if (where === undefined) throw new LaminiError(ErrorCodes.USAGE, '--checkpoint DIR is required (see "lamini serve --help")');
  const port = intOption(values, 'port', 0) ?? 8089;
  if (port > 65535) throw new LaminiError(ErrorCodes.USAGE, `--port must be at most 65535, got ${port}`);
  const host = stringOption(values, 'host') ?? '127.0.0.1';
  const threads = intOption(values, 'threads', 1);
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const student = await openServedStudent(where, { backend: backendOption(values), log, ...(threads === undefined ? {} : { threads }) });
  const handle = await startStudentServer({ student, port, host, ...maxTokens(intOption(values, 'max-tokens', 1)) }).catch((error: unknown) => {
    student.dispose();
    throw new LaminiError(ErrorCodes.USAGE, `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  process.stdout.write(`${handle.baseURL}\n`);
  if (!LOOPBACK.has(host)) log(`warning: listening on ${host}, reachable from other machines, with no key`);
  log(`serving ${student.name} (${student.family}) at ${handle.baseURL} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  student.dispose();
  return 0;
}

function maxTokens(n: number | undefined): { defaultMaxTokens?: number } {
  return n === undefined ? {} : { defaultMaxTokens: n };
}
