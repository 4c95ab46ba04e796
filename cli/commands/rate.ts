/** `lamini rate`: people rate students' answers in a local web page, until interrupted (rate/). */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { AnswerCache, RatingSession, readInstructions, startRateServer, type RatedStudent } from '../../rate/index.ts';
import { openStudent, type StudentModel } from '../../trainers/student-model/index.ts';
import { backendOption, intOption, parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export async function rateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    checkpoint: { type: 'string', multiple: true }, instructions: { type: 'string' }, port: { type: 'string' }, rater: { type: 'string' },
    seed: { type: 'string' }, 'max-tokens': { type: 'string' }, backend: { type: 'string' },
  }, 'rate');
  if (values.help === true) {
    process.stdout.write(`${HELP['rate']}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini rate --help")`);
  const raw = values['checkpoint'];
  const wheres = Array.isArray(raw) ? raw : [];
  if (wheres.length === 0) throw new LaminiError(ErrorCodes.USAGE, '--checkpoint DIR is required, once per student (see "lamini rate --help")');
  const file = stringOption(values, 'instructions');
  if (file === undefined) throw new LaminiError(ErrorCodes.USAGE, '--instructions FILE is required (see "lamini rate --help")');
  const port = intOption(values, 'port', 0) ?? 8090;
  if (port > 65535) throw new LaminiError(ErrorCodes.USAGE, `--port must be at most 65535, got ${port}`);
  const seed = intOption(values, 'seed', 0) ?? 1;
  const maxTokens = intOption(values, 'max-tokens', 1) ?? 256;
  const rater = (stringOption(values, 'rater') ?? defaultRater()).trim();
  if (rater === '') throw new LaminiError(ErrorCodes.USAGE, '--rater must not be empty');
  const config = configFrom(values);
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const set = await readInstructions(file);
  const backend = backendOption(values);
  const models: StudentModel[] = [];
  try {
    const students: RatedStudent[] = [];
    for (const where of wheres) {
      const model = await openStudent(where, { backend, log });
      models.push(model);
      const checkpoint = resolve(model.dir);
      if (students.some((s) => s.checkpoint === checkpoint)) throw new LaminiError(ErrorCodes.USAGE, `--checkpoint ${where} is given twice (${checkpoint})`);
      students.push({ checkpoint, identity: await identityOf(checkpoint), generate: (prompt, options) => model.generate(prompt, options) });
    }
    const cache = await AnswerCache.open(config.dataDir);
    if (cache.skipped > 0) log(`rate: ${cache.skipped} unreadable line(s) in ${cache.file} skipped; their answers are generated again`);
    const session = await RatingSession.open({ dataDir: config.dataDir, students, set, cache, rater, seed, maxTokens, log });
    const server = await startRateServer({ session, rater, setName: set.name, port, log }).catch((error: unknown) => {
      throw new LaminiError(ErrorCodes.USAGE, `cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
    const p = session.progress();
    process.stdout.write(`${server.url}\n`);
    log(`rating ${set.items.length} instructions from ${set.name} × ${students.length} students as ${rater}: ${p.rated} of ${p.total} rated (Ctrl-C stops)`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    const end = session.progress();
    log(`rate: ${end.rated} of ${end.total} answers rated; ${session.generated} answer(s) generated this time`);
    return 0;
  } finally {
    for (const m of models) m.dispose();
  }
}

function defaultRater(): string {
  const env = process.env['USER'];
  if (env !== undefined && env !== '') return env;
  try {
    return userInfo().username || 'rater';
  } catch {
    return 'rater';
  }
}

/** The folder and its weights file's size and time: a retrained checkpoint in the same folder is another student. */
async function identityOf(dir: string): Promise<string> {
  for (const name of ['model.safetensors', 'config.json']) {
    try {
      const s = await stat(join(dir, name));
      return JSON.stringify([dir, name, s.size, s.mtimeMs]);
    } catch {
      // the next candidate
    }
  }
  return JSON.stringify([dir]);
}
