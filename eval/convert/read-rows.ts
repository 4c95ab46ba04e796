/**
 * The records of a public dataset file: Parquet (what Hugging Face's hub serves; read with DuckDB, nested
 * fields as JSON), a JSON array of objects, or JSON Lines.
 */
import { readFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { literal } from '../../corpus/schema.ts';

export async function readRecords(path: string): Promise<unknown[]> {
  if (/\.parquet$/i.test(path)) return readParquet(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new LaminiError(missing ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE, `cannot read ${path}`, { cause: error, details: { path } });
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (Array.isArray(value)) return value;
    } catch {
      // not one JSON document: read it as JSON Lines below
    }
  }
  const records: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch {
      throw new LaminiError(ErrorCodes.CONVERT_INPUT_INVALID, `${path}:${i + 1}: not JSON (expected JSON Lines, a JSON array or .parquet)`, {
        details: { path, line: i + 1 },
      });
    }
  });
  return records;
}

async function readParquet(path: string): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT CAST(to_json(t) AS VARCHAR) AS j FROM read_parquet(${literal(path)}) t`);
    return reader.getRows().map((row) => JSON.parse(String(row[0])));
  } catch (error) {
    throw new LaminiError(ErrorCodes.CONVERT_INPUT_INVALID, `${path} is not a readable Parquet file`, { cause: error, details: { path } });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
