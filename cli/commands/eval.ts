/**
 * `lamini eval`: score a student on task files (multiple choice by log-likelihood, generation by exact match,
 * F1 and ROUGE-L) and on the corpus's held-out split; print a table or JSON; append the numbers to the results
 * store. `lamini eval convert`: public dataset layouts to the task format. docs/evaluation.md.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { convertFile, FORMATS } from '../../eval/convert/index.ts';
import { evaluateStudent, formatReport, promptStyle, readTask, type Task } from '../../eval/index.ts';
import { openStudent } from '../../trainers/student-model/index.ts';
import { backendOption, intOption, parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

const DEFAULT_HELDOUT = 100;
const DEFAULT_MAX_NEW_TOKENS = 64;

export async function evalCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'convert') return convertCommand(argv.slice(1));
  const { values, positionals } = parse(argv, {
    checkpoint: { type: 'string' }, tasks: { type: 'string', multiple: true }, json: { type: 'boolean' },
    'no-wrapper': { type: 'boolean' }, limit: { type: 'string' }, 'target-delimiter': { type: 'string' },
    'max-new-tokens': { type: 'string' }, heldout: { type: 'string' }, 'no-record': { type: 'boolean' },
    backend: { type: 'string' }, threads: { type: 'string' }, samples: { type: 'string' },
  }, 'eval');
  if (values.help === true) {
    process.stdout.write(`${HELP['eval']}\n`);
    return 0;
  }
  const checkpoint = stringOption(values, 'checkpoint');
  if (checkpoint === undefined) throw new LaminiError(ErrorCodes.USAGE, '--checkpoint DIR is required (see "lamini eval --help")');
  const given = [...taskFlags(values['tasks']), ...positionals];
  const heldout = intOption(values, 'heldout', 0) ?? DEFAULT_HELDOUT;
  if (given.length === 0 && heldout === 0) throw new LaminiError(ErrorCodes.USAGE, 'nothing to evaluate: give --tasks FILE... or --heldout N > 0 (see "lamini eval --help")');
  const limit = intOption(values, 'limit', 1);
  const maxNewTokens = intOption(values, 'max-new-tokens', 1) ?? DEFAULT_MAX_NEW_TOKENS;
  const threads = intOption(values, 'threads', 1);
  const backend = backendOption(values);
  const samples = stringOption(values, 'samples');
  const config = configFrom(values);
  // Every task file is read and checked before the model is loaded: a typo fails in a second, not after minutes.
  const tasks: Task[] = [];
  for (const file of await expandTaskPaths(given)) tasks.push(await readTask(file));

  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const student = await openStudent(checkpoint, { backend, log, ...(threads === undefined ? {} : { threads }) });
  try {
    const report = await evaluateStudent(student, tasks, {
      dataDir: config.dataDir,
      style: promptStyle(values['no-wrapper'] !== true, stringOption(values, 'target-delimiter')),
      ...(limit === undefined ? {} : { limit }),
      maxNewTokens,
      heldout,
      heldoutRequired: values['heldout'] !== undefined,
      record: values['no-record'] !== true,
      samples: samples !== undefined,
      log,
    });
    if (samples !== undefined) {
      const lines = report.tasks.flatMap((t) => (t.samples ?? []).map((s) => JSON.stringify({ task: t.task, ...s })));
      await writeFile(samples, lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
      for (const t of report.tasks) delete t.samples;
    }
    process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
    if (values.json !== true && report.results_file !== null) log(`results appended: ${report.results_file}`);
    return 0;
  } finally {
    student.dispose();
  }
}

async function convertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { format: { type: 'string' }, labels: { type: 'string' }, json: { type: 'boolean' } }, 'eval convert');
  if (values.help === true) {
    process.stdout.write(`${HELP['eval']}\n`);
    return 0;
  }
  const format = stringOption(values, 'format');
  if (format === undefined) throw new LaminiError(ErrorCodes.USAGE, `--format is required: one of ${FORMATS.join(', ')}`);
  const [input, output, ...extra] = positionals;
  if (input === undefined || output === undefined || extra.length > 0) {
    throw new LaminiError(ErrorCodes.USAGE, 'give the input file and the output task file: lamini eval convert --format NAME IN OUT');
  }
  const labels = stringOption(values, 'labels');
  const summary = await convertFile(format, input, output, labels === undefined ? {} : { labels });
  process.stdout.write(values.json === true
    ? `${JSON.stringify({ ...summary, output })}\n`
    : `${output}: ${summary.written} items from ${summary.records} ${format} records` +
      (summary.unlabelled > 0 ? ` (${summary.unlabelled} without a gold answer left out)` : '') + '\n');
  return 0;
}

/** `--tasks a.jsonl,b.jsonl --tasks c.jsonl`. */
function taskFlags(raw: string | boolean | string[] | undefined): string[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** A folder stands for its *.jsonl files, in name order. */
async function expandTaskPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const names = (await readdir(path)).filter((n) => n.endsWith('.jsonl')).sort();
      if (names.length === 0) throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `${path} has no .jsonl task files`, { details: { path } });
      out.push(...names.map((n) => join(path, n)));
    } else out.push(path);
  }
  return out;
}
