/**
 * Evaluation results for the report, from the `results` view (eval/results.ts: one row per checkpoint, task and
 * metric, plus one per rated answer with metric `rating` and the grade A..D as its label). The view's columns
 * are read first and the query built from those there, so an older or newer store reads the same way:
 * task-level rows (no `item`) give the latest value per (checkpoint, task, metric); rating rows count the
 * newest row of each `id` (a rater's changed mind supersedes), by checkpoint and grade.
 */
import { isAbsolute, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describeError } from '../common/errors.ts';
import type { Evaluation } from './data.ts';
import { columnsOf, num, numOrNull, rows, str } from './sql.ts';

export const NO_RESULTS_NOTE =
  'No evaluation results yet: "lamini eval" scores a checkpoint on evaluation tasks and "lamini rate" records human ratings; both then appear here.';

/** A checkpoint path as the page shows it: relative to the data dir when inside it. */
export function checkpointLabel(path: string, dataDir: string): string {
  const inside = relative(dataDir, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

export async function evaluationFigures(conn: DuckDBConnection, dataDir: string): Promise<Evaluation> {
  let columns: string[];
  try {
    columns = await columnsOf(conn, 'results');
  } catch (error) {
    return { note: `${NO_RESULTS_NOTE} (no results view: ${describeError(error)})`, results: [], ratings: [] };
  }
  const has = (c: string): boolean => columns.includes(c);
  if (!has('checkpoint') || !has('metric') || !has('value')) {
    return { note: `${NO_RESULTS_NOTE} (the results view has columns ${columns.join(', ')})`, results: [], ratings: [] };
  }
  const task = has('task') ? 'coalesce(CAST(task AS VARCHAR), \'\')' : '\'\'';
  const time = has('time') ? '"time"' : has('created_at') ? 'created_at' : 'NULL';
  const stderr = has('stderr') ? 'CAST(stderr AS DOUBLE)' : 'CAST(NULL AS DOUBLE)';
  const isRating = `(lower(${task}) LIKE '%rating%' OR lower(CAST(metric AS VARCHAR)) LIKE '%rating%')`;
  const gradeOf = has('label') ? 'label' : has('rating') ? 'rating' : 'metric';
  const grade = `upper(right(trim(CAST(${gradeOf} AS VARCHAR)), 1))`;
  const taskLevel = has('item') ? 'item IS NULL' : 'true';
  const newest = has('id') ? `QUALIFY row_number() OVER (PARTITION BY id ORDER BY ${time} DESC) = 1` : '';

  // A results file that does not read (RESULTS_CORRUPT) costs this section, not the report.
  const read = async (sql: string): Promise<Awaited<ReturnType<typeof rows>> | Error> => rows(conn, sql).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)));
  const results = await read(`SELECT coalesce(CAST(checkpoint AS VARCHAR), ''), ${task}, coalesce(CAST(metric AS VARCHAR), ''),
      arg_max(CAST(value AS DOUBLE), ${time}), arg_max(${stderr}, ${time}), count(*)
    FROM results WHERE NOT ${isRating} AND ${taskLevel} AND value IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  const ratings = await read(`SELECT c, g, count(*) FROM (
      SELECT coalesce(CAST(checkpoint AS VARCHAR), '') AS c, ${grade} AS g FROM results WHERE ${isRating} ${newest}
    ) WHERE g IN ('A', 'B', 'C', 'D') GROUP BY 1, 2 ORDER BY 1, 2`);
  if (results instanceof Error || ratings instanceof Error) {
    const error = results instanceof Error ? results : ratings;
    return { note: `The results store could not be read: ${describeError(error)}`, results: [], ratings: [] };
  }
  const out: Evaluation = {
    note: null,
    results: results.map((r) => ({
      checkpoint: checkpointLabel(str(r[0]), dataDir), task: str(r[1]), metric: str(r[2]), value: num(r[3]), stderr: numOrNull(r[4]), rows: num(r[5]),
    })),
    ratings: ratings.map((r) => ({ checkpoint: checkpointLabel(str(r[0]), dataDir), rating: str(r[1]), count: num(r[2]) })),
  };
  if (out.results.length === 0 && out.ratings.length === 0) out.note = NO_RESULTS_NOTE;
  return out;
}
