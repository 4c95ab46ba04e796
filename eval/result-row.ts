/**
 * One row of the results store (results.ts): a number about a checkpoint (an accuracy over a task, a held-out
 * loss) or about one item (a person's rating of one answer). The columns, in file order, are what the `results`
 * view of `lamini query` shows; a new field goes last and old files read it as NULL.
 */
import { createHash } from 'node:crypto';

export interface ResultRow {
  /** Unique per number; a later row with the same id supersedes an earlier one. See resultId. */
  id: string;
  /** Groups the rows of one `lamini eval` run or one rating session. */
  run_id: string;
  /** Who wrote the row: `eval`, `rate`, or another producer's name. */
  source: string;
  /** The checkpoint folder, as an absolute path. */
  checkpoint: string;
  /** The corpus manifest's sequence when the row was made (null: no corpus in the data dir). */
  corpus_seq: number | null;
  /** First 16 hex digits of sha256 over the sha256 of every examples shard up to corpus_seq (null: none). */
  corpus_hash: string | null;
  /** The task: a task file's name without `.jsonl`, `heldout` for the corpus's evaluation split, or the rater's. */
  task: string;
  /** acc, acc_norm, exact_match, f1, rouge_l, loss, perplexity, rating, ... */
  metric: string;
  /** The number; null when it is not finite (a perplexity that overflows). */
  value: number | null;
  /** Standard error of the mean over items (lm-evaluation-harness's mean_stderr), null when not defined (n < 2). */
  stderr: number | null;
  /** Items the value is over (1 for a single rating). */
  n: number;
  /** The item a per-item row is about (a rated answer's instruction id), null for a task-level number. */
  item: string | null;
  /** A label that goes with the value (a rating's letter A-D), else null. */
  label: string | null;
  /** Settings that produced the number (wrapper, limit, delimiter, ...), free-form JSON, or null. */
  details: Record<string, unknown> | null;
  /** ISO 8601 UTC time the number was made. */
  created_at: string;
}

/** The view's columns and DuckDB types, in file order. */
export const RESULT_COLUMNS: ReadonlyArray<{ name: keyof ResultRow; type: string }> = [
  { name: 'id', type: 'VARCHAR' },
  { name: 'run_id', type: 'VARCHAR' },
  { name: 'source', type: 'VARCHAR' },
  { name: 'checkpoint', type: 'VARCHAR' },
  { name: 'corpus_seq', type: 'BIGINT' },
  { name: 'corpus_hash', type: 'VARCHAR' },
  { name: 'task', type: 'VARCHAR' },
  { name: 'metric', type: 'VARCHAR' },
  { name: 'value', type: 'DOUBLE' },
  { name: 'stderr', type: 'DOUBLE' },
  { name: 'n', type: 'BIGINT' },
  { name: 'item', type: 'VARCHAR' },
  { name: 'label', type: 'VARCHAR' },
  { name: 'details', type: 'JSON' },
  { name: 'created_at', type: 'TIMESTAMP' },
];

/** A stable id: sha256 of (run_id, checkpoint, task, metric, item), first 24 hex digits. */
export function resultId(parts: { run_id: string; checkpoint: string; task: string; metric: string; item: string | null }): string {
  const text = JSON.stringify([parts.run_id, parts.checkpoint, parts.task, parts.metric, parts.item]);
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The problems of a would-be row, each as `field: what is wrong`; empty when it is a valid row. */
export function rowProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['(row): must be an object'];
  const fields = new Map<string, unknown>(Object.entries(value));
  const get = (key: string): unknown => fields.get(key);
  const problems: string[] = [];
  for (const key of ['id', 'run_id', 'source', 'checkpoint', 'task', 'metric'] as const) {
    const v = get(key);
    if (typeof v !== 'string' || v === '') problems.push(`${key}: must be a non-empty string`);
  }
  for (const key of ['corpus_hash', 'item', 'label'] as const) {
    const v = get(key);
    if (v !== null && typeof v !== 'string') problems.push(`${key}: must be a string or null`);
  }
  const seq = get('corpus_seq');
  if (seq !== null && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0)) problems.push('corpus_seq: must be an integer >= 0 or null');
  for (const key of ['value', 'stderr'] as const) {
    const v = get(key);
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v))) problems.push(`${key}: must be a finite number or null`);
  }
  const n = get('n');
  if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) problems.push('n: must be an integer >= 0');
  const details = get('details');
  if (details !== null && (typeof details !== 'object' || Array.isArray(details))) problems.push('details: must be an object or null');
  const time = get('created_at');
  if (typeof time !== 'string' || !ISO.test(time) || Number.isNaN(Date.parse(time))) problems.push('created_at: must be an ISO 8601 UTC time');
  return problems;
}

/** True when `value` is a valid row (rowProblems is empty). */
export function isResultRow(value: unknown): value is ResultRow {
  return rowProblems(value).length === 0;
}
