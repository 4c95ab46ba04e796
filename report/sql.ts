/**
 * Small typed readers over DuckDB results for the report: every aggregate comes back as plain numbers and
 * strings (DuckDB's BIGINT is a bigint in JS; a report never needs more than a double's precision).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

/** Run one query and return its rows with bigints as numbers and timestamps as ISO strings. */
export async function rows(conn: DuckDBConnection, sql: string): Promise<Cell[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJS().map((row) => row.map(plain));
}

function plain(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return String(value);
}

export function num(cell: Cell | undefined): number {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : 0;
  if (typeof cell === 'string' && cell.trim() !== '') {
    const n = Number(cell);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

export function numOrNull(cell: Cell | undefined): number | null {
  return cell === null || cell === undefined ? null : num(cell);
}

export function str(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  return typeof cell === 'string' ? cell : typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

/** The column names of a table or view, in order. */
export async function columnsOf(conn: DuckDBConnection, table: string): Promise<string[]> {
  const out = await rows(conn, `SELECT column_name FROM (DESCRIBE ${table})`);
  return out.map((r) => str(r[0]));
}
