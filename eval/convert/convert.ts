/**
 * `lamini eval convert`: a public dataset file in a published layout (layouts.ts) to a task file. Every
 * record with a gold answer becomes one line; records without one (test splits) are counted and left out;
 * a record whose fields do not fit the layout is an error, and CONVERT_INPUT_INVALID lists the first ones.
 * The output is written to a temporary name and renamed, so a failed conversion leaves no half file.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { Fields } from './fields.ts';
import { CONVERTERS, FORMATS, type ConvertedLine } from './layouts.ts';
import { readRecords } from './read-rows.ts';

export interface ConvertOptions {
  /** PIQA's original release: a file with one label per line, in record order. */
  labels?: string;
}

export interface ConvertSummary {
  format: string;
  records: number;
  written: number;
  unlabelled: number;
}

/** Converts records already read; throws CONVERT_INPUT_INVALID listing the first problems. */
export function convertRecords(format: string, records: readonly unknown[], labels?: ReadonlyArray<number | undefined>): { lines: ConvertedLine[]; unlabelled: number } {
  const converter = CONVERTERS[format];
  if (converter === undefined) throw new LaminiError(ErrorCodes.USAGE, `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const lines: ConvertedLine[] = [];
  const problems: string[] = [];
  let unlabelled = 0;
  records.forEach((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      problems.push(`record ${i + 1}: not an object`);
      return;
    }
    const fields = new Fields(record);
    const line = converter(fields, i + 1, labels);
    if (fields.problems.length > 0) problems.push(`record ${i + 1}: ${fields.problems.join(', ')}`);
    else if (line === 'unlabelled') unlabelled += 1;
    else lines.push(line);
  });
  if (problems.length > 0) {
    throw new LaminiError(ErrorCodes.CONVERT_INPUT_INVALID,
      `not the ${format} layout (docs/evaluation.md lists its fields): ${problems.slice(0, 3).join('; ')}` +
        (problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''), { details: { format, problems } });
  }
  return { lines, unlabelled };
}

export async function convertFile(format: string, input: string, output: string, options: ConvertOptions = {}): Promise<ConvertSummary> {
  if (CONVERTERS[format] === undefined) throw new LaminiError(ErrorCodes.USAGE, `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const records = await readRecords(input);
  const labels = options.labels === undefined ? undefined : await readLabels(options.labels);
  const { lines, unlabelled } = convertRecords(format, records, labels);
  const temp = `${output}.tmp-${process.pid}`;
  try {
    await writeFile(temp, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length > 0 ? '\n' : ''), 'utf8');
    await rename(temp, output);
  } catch (error) {
    await rm(temp, { force: true });
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot write ${output}`, { cause: error, details: { output } });
  }
  return { format, records: records.length, written: lines.length, unlabelled };
}

/** One integer per line (blank lines and a trailing newline ignored). */
async function readLabels(path: string): Promise<Array<number | undefined>> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `cannot read labels file ${path}`, { cause: error, details: { path } });
  });
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const n = Number(l.trim());
    if (!Number.isInteger(n)) throw new LaminiError(ErrorCodes.CONVERT_INPUT_INVALID, `${path}: "${l.trim()}" is not an integer label`, { details: { path } });
    return n < 0 ? undefined : n;
  });
}
