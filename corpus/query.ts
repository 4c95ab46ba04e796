/**
 * `lamini query "SQL"`: one statement over the committed corpus, read only (see `views.ts` for how DuckDB's
 * settings enforce it). Only statements DuckDB classifies as SELECT run (DESCRIBE, SHOW, SUMMARIZE, PRAGMA
 * show_tables and VALUES are SELECTs to it), plus EXPLAIN [ANALYZE] of a SELECT. PIVOT without an explicit
 * IN list is refused: DuckDB runs it as several statements that create a type.
 */
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { LaminiError, ErrorCodes, isLaminiError } from '../common/errors.ts';
import { formatResult, readResult, type OutputFormat } from './format.ts';
import { openReadOnly } from './views.ts';

export interface QueryOptions {
  format?: OutputFormat;
}

export async function runQuery(dataDir: string, sql: string, options: QueryOptions = {}): Promise<string> {
  const corpus = await openReadOnly(dataDir);
  try {
    const prepared = await prepareReadOnly(corpus.conn, sql);
    const reader = await failing(() => prepared.runAndReadAll());
    return formatResult(readResult(reader), options.format ?? 'table');
  } finally {
    await corpus.close();
  }
}

/** Prepare exactly one statement and check it only reads. */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const prepared = await prepareOne(conn, sql);
  if (prepared.statementType === StatementType.SELECT) return prepared;
  if (prepared.statementType === StatementType.EXPLAIN) {
    const inner = sql.replace(/^\s*explain\s+(?:analyze\s+)?/i, '');
    const explained = inner === sql ? undefined : await prepareOne(conn, inner).catch(() => undefined);
    if (explained?.statementType === StatementType.SELECT) return prepared;
  }
  throw new LaminiError(
    ErrorCodes.QUERY_NOT_READ_ONLY,
    `only SELECT queries run over the corpus (this is a ${StatementType[prepared.statementType] ?? 'other'} statement)`,
    { details: { statement_type: StatementType[prepared.statementType] } },
  );
}

async function prepareOne(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const extracted = await failing(() => conn.extractStatements(sql));
  if (extracted.count !== 1) {
    throw new LaminiError(ErrorCodes.QUERY_FAILED, `expected one SQL statement, got ${extracted.count}`);
  }
  return failing(() => extracted.prepare(0));
}

/** Run a DuckDB call; its error becomes QUERY_FAILED with DuckDB's first line. */
async function failing<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isLaminiError(error)) throw error;
    throw new LaminiError(ErrorCodes.QUERY_FAILED, duckdbMessage(error), { cause: error });
  }
}

export function duckdbMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/^Failed to extract statements:\s*/, '').split('\n')[0] ?? '';
  return line.trim();
}
