/**
 * Query results as text: `table` (aligned columns for people, long cells cut at 80 characters), `csv`
 * (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF) and `json` (one array of
 * objects). Values become plain JSON first: BIGINT/HUGEINT to a number when it is a safe integer, else a
 * string; TIMESTAMP to ISO 8601; DATE to YYYY-MM-DD; BLOB to base64; NaN and infinities to strings.
 */
import { DuckDBTypeId, type DuckDBResultReader } from '@duckdb/node-api';

export type OutputFormat = 'table' | 'json' | 'csv';
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

export interface Result {
  columns: string[];
  rows: Plain[][];
}

const MAX_TABLE_CELL = 80;

export function readResult(reader: DuckDBResultReader): Result {
  const columns = reader.deduplicatedColumnNames();
  const dates = columns.map((_, i) => reader.columnTypeId(i) === DuckDBTypeId.DATE);
  const rows = reader.getRowsJS().map((row) => row.map((value, i) => (dates[i] && value instanceof Date ? value.toISOString().slice(0, 10) : plain(value))));
  return { columns, rows };
}

export function plain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out: { [key: string]: Plain } = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return String(value);
}

export function formatResult(result: Result, format: OutputFormat): string {
  if (format === 'json') return toJson(result);
  if (format === 'csv') return toCsv(result);
  return toTable(result);
}

function toJson({ columns, rows }: Result): string {
  const objects = rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null])));
  return JSON.stringify(objects) + '\n';
}

function cellText(value: Plain): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function toCsv({ columns, rows }: Result): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map((v) => csvField(cellText(v))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function tableCell(value: Plain): string {
  if (value === null) return 'NULL';
  const text = cellText(value).replace(/\r?\n/g, '\\n').replace(/\t/g, ' ');
  const chars = [...text];
  return chars.length > MAX_TABLE_CELL ? chars.slice(0, MAX_TABLE_CELL - 1).join('') + '…' : text;
}

function toTable({ columns, rows }: Result): string {
  const cells = rows.map((row) => row.map(tableCell));
  const numeric = columns.map((_, i) => rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const widths = columns.map((c, i) => Math.max(width(c), ...cells.map((row) => width(row[i] ?? ''))));
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat((widths[i] ?? 0) - width(text));
    return numeric[i] ? fill + text : text + fill;
  };
  const lines = [
    columns.map((c, i) => pad(c, i)).join(' | ').trimEnd(),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map((row) => row.map((cell, i) => pad(cell, i)).join(' | ').trimEnd()),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ];
  return lines.join('\n') + '\n';
}

/** Display width in code points (close enough for a terminal table; wide CJK characters count as one). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
