/**
 * The results store: evaluation numbers and human ratings, appended under `<dataDir>/results/` and read back by
 * `readResults` and by `lamini query` (the view `results`, corpus/views.ts). docs/evaluation.md describes it.
 *
 * Layout: one JSON Lines file per `appendResults` call, `results-<UTC time>-<pid>-<random>.jsonl`, written to a
 * `.tmp` name, fsynced and renamed, so a reader sees a whole file or none and any number of writers (`lamini
 * eval`, `lamini rate`, two at once) never meet: there is no lock and no shared file. Rows are never edited;
 * a later row with the same `id` supersedes an earlier one (`readResults(dir, { latest: true })` keeps the
 * newest), which is how a rater's changed mind is recorded.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LaminiError, ErrorCodes, describeError } from '../common/errors.ts';
import { fsyncDir } from '../corpus/fsutil.ts';
import { isResultRow, RESULT_COLUMNS, rowProblems, type ResultRow } from './result-row.ts';

export { RESULT_COLUMNS, isResultRow, resultId, rowProblems, type ResultRow } from './result-row.ts';

export const RESULTS_DIR = 'results';
const FILE_PATTERN = /^results-[0-9TZ-]+-\d+-[0-9a-f]{8}\.jsonl$/;

/** `<dataDir>/results`. */
export function resultsDir(dataDir: string): string {
  return join(resolve(dataDir), RESULTS_DIR);
}

/** The committed results files, oldest name first (names start with their UTC time). */
export async function resultFiles(dataDir: string): Promise<string[]> {
  const dir = resultsDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((n) => FILE_PATTERN.test(n)).sort().map((n) => join(dir, n));
}

/**
 * Appends rows as one new file and returns its path (undefined for no rows). Every row is checked first;
 * RESULTS_INVALID lists each problem with its row index, and nothing is written.
 */
export async function appendResults(dataDir: string, rows: readonly ResultRow[]): Promise<string | undefined> {
  const problems = rows.flatMap((row, i) => rowProblems(row).map((p) => `rows[${i}].${p}`));
  if (problems.length > 0) {
    throw new LaminiError(ErrorCodes.RESULTS_INVALID, `result rows are not valid: ${problems.slice(0, 5).join('; ')}`, {
      details: { problems },
    });
  }
  if (rows.length === 0) return undefined;
  const dir = resultsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `results-${stamp}-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`;
  const final = join(dir, name);
  const temp = `${final}.tmp`;
  // Only the known columns, in column order: a producer's extra fields never reach the file or the view.
  const text = rows.map((row) => JSON.stringify(Object.fromEntries(RESULT_COLUMNS.map((c) => [c.name, row[c.name]])))).join('\n') + '\n';
  try {
    const handle = await open(temp, 'wx', 0o444);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, final);
    await fsyncDir(dir);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new LaminiError(ErrorCodes.CORPUS_WRITE_FAILED, `cannot write results to ${dir}: ${describeError(error)}`, { cause: error, details: { dir } });
  }
  return final;
}

export interface ReadResultsOptions {
  /** Keep only the newest row of each `id` (by created_at, then file order). Default false: every row. */
  latest?: boolean;
}

/** Every committed row, in file then line order. A line that is not a valid row is RESULTS_CORRUPT naming it. */
export async function readResults(dataDir: string, options: ReadResultsOptions = {}): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const file of await resultFiles(dataDir)) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const corrupt = (what: string): LaminiError =>
        new LaminiError(ErrorCodes.RESULTS_CORRUPT, `${file}:${i + 1}: ${what}`, { details: { file, line: i + 1 } });
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw corrupt('not JSON');
      }
      if (!isResultRow(value)) throw corrupt(rowProblems(value).slice(0, 3).join('; '));
      rows.push(value);
    });
  }
  if (options.latest !== true) return rows;
  const newest = new Map<string, ResultRow>();
  for (const row of rows) {
    const seen = newest.get(row.id);
    if (seen === undefined || row.created_at >= seen.created_at) newest.set(row.id, row);
  }
  return [...newest.values()];
}
