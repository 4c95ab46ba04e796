/**
 * Records to shard rows. A row is a plain object keyed by column name in the JSON shape the shard writer
 * loads: TIMESTAMP columns as epoch milliseconds, BLOB columns as base64 text (see `loadExpression`).
 */
import type { DeadLetter, Dropped, Example } from '../schemas/types.ts';
import type { LedgerEntry } from '../teacher/ledger.ts';
import type { Column, WrittenTable } from './schema.ts';

export type Row = Record<string, unknown> & { id: string };

export function exampleRow(e: Example): Row {
  return {
    id: e.id,
    instruction: e.instruction,
    input: e.input,
    response: e.response,
    instruction_source: e.instruction_source,
    generation_mode: e.generation_mode,
    seed_ids: e.seed_ids,
    topics: e.topics,
    teacher_model: e.teacher_model,
    prompt_version: e.prompt_version,
    prompt_tokens: e.prompt_tokens,
    completion_tokens: e.completion_tokens,
    cost_usd: e.cost_usd,
    created_at: e.created_at,
    instruction_id: e.instruction_id,
    task_number: e.task_number,
  };
}

export function deadLetterRow(d: DeadLetter): Row {
  return {
    id: d.id,
    operator: d.operator,
    reason: d.reason,
    message: d.message,
    source_topic: d.source_topic,
    source_partition: d.source_partition,
    source_offset: d.source_offset,
    payload: Buffer.from(d.payload.buffer, d.payload.byteOffset, d.payload.byteLength).toString('base64'),
    task_number: d.task_number,
    created_at: d.created_at,
  };
}

export function droppedRow(d: Dropped): Row {
  return {
    id: d.id,
    duplicate_of: d.duplicate_of,
    reason: d.reason,
    instruction: d.instruction,
    instruction_source: d.instruction_source,
    task_number: d.task_number,
    created_at: d.created_at,
  };
}

export function teacherRequestRow(e: LedgerEntry): Row {
  return {
    id: e.id,
    request_hash: e.request_hash,
    task_number: e.task_number,
    model: e.model,
    status: e.status,
    prompt_tokens: e.prompt_tokens,
    completion_tokens: e.completion_tokens,
    cost_usd: e.cost_usd,
    saved_usd: e.saved_usd,
    retries: e.retries,
    cached: e.cached,
    latency_ms: e.latency_ms,
    error: e.error,
    created_at: e.created_at,
    server_model: e.server_model,
  };
}

export function emptyRows(): Record<WrittenTable, Row[]> {
  return { examples: [], dead_letters: [], dropped: [] };
}

/** Keep the first record of each id: a re-delivered record is the same record. */
export function uniqueById<T extends { id: string }>(records: readonly T[]): T[] {
  const seen = new Set<string>();
  return records.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

/** The type read_json reads a column as. */
export function loadType(column: Column): string {
  if (column.type === 'TIMESTAMP') return 'BIGINT';
  if (column.type === 'BLOB') return 'VARCHAR';
  return column.type;
}

/** The SQL turning the loaded column back into its table type. */
export function loadExpression(column: Column, quoted: string): string {
  if (column.type === 'TIMESTAMP') return `epoch_ms(${quoted})`;
  if (column.type === 'BLOB') return `from_base64(${quoted})`;
  return quoted;
}

// JSON.stringify writes a lone surrogate as a `\udXXX` escape (paired ones stay raw characters), and DuckDB's
// JSON reader rejects those; an escaped backslash before `u` is left alone by counting backslashes.
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/** Newline-delimited JSON of the rows, with any lone surrogate replaced by U+FFFD. */
export function toJsonLines(rows: readonly Row[]): string {
  let text = '';
  for (const row of rows) text += JSON.stringify(row) + '\n';
  return text.replace(LONE_SURROGATE, '$1\\ufffd');
}
