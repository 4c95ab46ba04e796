/** `lamini teacher serve`: the local teacher on an OpenAI-compatible endpoint, until interrupted. */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { resolveTeacherGguf } from '../../teacher/index.ts';
import { startLocalTeacher } from '../../teacher/local/server.ts';
import { intOption, parse, stringOption } from '../args.ts';
import { HELP } from '../help.ts';

export async function teacherCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { port: { type: 'string' }, gguf: { type: 'string' } }, 'teacher');
  if (values.help === true) {
    process.stdout.write(`${HELP.teacher}\n`);
    return 0;
  }
  if (positionals[0] !== 'serve' || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, 'usage: lamini teacher serve [--port N] [--gguf PATH]');
  }
  const port = intOption(values, 'port', 0) ?? 8088;
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const ggufPath = stringOption(values, 'gguf') ?? (await resolveTeacherGguf({ log }));
  const handle = await startLocalTeacher({ ggufPath, port });
  process.stdout.write(`${handle.baseURL}\n`);
  log(`serving ${handle.model} at ${handle.baseURL} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  return 0;
}
