/**
 * Format readers: each turns a file into a stream of raw records `{line, raw, value}` (or `{line, raw,
 * reason, message}` when the record cannot be read), without knowing anything about seeds. `line` is the
 * 1-based line for JSONL and CSV (where the record starts), and the 1-based item or row for JSON and Parquet.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { parseCsv } from './csv.ts';
import { getPath } from './shape.ts';

export const SEED_FORMATS = ['jsonl', 'json', 'csv', 'parquet'] as const;
export type SeedFormat = (typeof SEED_FORMATS)[number];

/** Rejections and raw records keep at most this many bytes of the original text. */
export const RAW_CAP_BYTES = 65_536;

export type RawRecord =
  | { line: number; raw: string; value: unknown }
  | { line: number; raw: string; reason: string; message: string };

export interface ReadOptions {
  /** JSON only: dotted path of the array inside a top-level object. */
  jsonKey?: string;
  /** CSV only: the field delimiter (default ',' and '\t' for .tsv). */
  delimiter?: string;
}

/** The format a file name implies (`.gz` is looked through), or undefined. */
export function formatFromPath(file: string): SeedFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  if (name.endsWith('.parquet') || name.endsWith('.pq')) return 'parquet';
  return undefined;
}

export function capRaw(raw: string): string {
  if (raw.length * 3 <= RAW_CAP_BYTES) return raw;
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length <= RAW_CAP_BYTES) return raw;
  // drop a character cut in half at the end rather than emit U+FFFD
  return bytes.subarray(0, RAW_CAP_BYTES).toString('utf8').replace(/\uFFFD$/u, '');
}

export function readRecords(file: string, format: SeedFormat, options: ReadOptions = {}): AsyncGenerator<RawRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonl(file);
    case 'json':
      return readJson(file, options.jsonKey);
    case 'csv':
      return readCsv(file, options.delimiter ?? (/\.tsv(\.gz)?$/i.test(file) ? '\t' : ','));
    case 'parquet':
      return readParquet(file);
  }
}

function openText(file: string): Readable {
  const stream: Readable = createReadStream(file);
  if (!/\.gz$/i.test(file)) return stream.setEncoding('utf8');
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  return stream.pipe(gunzip).setEncoding('utf8');
}

function unreadable(file: string, error: unknown): LaminiError {
  const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read ${file}: ${reason}`, { cause: error, details: { file } });
}

async function* readJsonl(file: string): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input: openText(file), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const body = line === 1 ? text.replace(/^\uFEFF/, '') : text;
      if (body.trim() === '') continue;
      yield parseJsonRecord(body, line, 'line');
    }
  } catch (error) {
    throw unreadable(file, error);
  } finally {
    lines.close();
  }
}

function parseJsonRecord(text: string, line: number, unit: string): RawRecord {
  try {
    return { line, raw: text, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { line, raw: text, reason: 'malformed_json', message: `${unit} ${line}: not valid JSON (${detail})` };
  }
}

const ARRAY_KEYS = ['data', 'examples', 'instances', 'rows', 'items', 'records', 'seeds', 'tasks', 'train'];

async function* readJson(file: string, jsonKey: string | undefined): AsyncGenerator<RawRecord> {
  let text: string;
  try {
    if (/\.gz$/i.test(file)) {
      let all = '';
      for await (const chunk of openText(file)) all += chunk as string;
      text = all;
    } else {
      text = await readFile(file, 'utf8');
    }
  } catch (error) {
    throw unreadable(file, error);
  }
  text = text.replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // A JSON Lines file named .json is a common mix-up: read it as what it is.
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (first !== undefined && first.trim().startsWith('{') && isJson(first)) {
      yield* readJsonl(file);
      return;
    }
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `${file} is not valid JSON: ${detail}`, { details: { file } });
  }
  const items = findArray(file, document, jsonKey);
  for (let i = 0; i < items.length; i++) {
    const value = items[i];
    yield { line: i + 1, raw: JSON.stringify(value) ?? String(value), value };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function findArray(file: string, document: unknown, jsonKey: string | undefined): unknown[] {
  if (jsonKey !== undefined) {
    const found = getPath(document, jsonKey);
    if (!Array.isArray(found)) {
      throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `${file}: no array under "${jsonKey}"`, { details: { file, jsonKey } });
    }
    return found;
  }
  if (Array.isArray(document)) return document;
  if (document === null || typeof document !== 'object') {
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `${file}: expected a JSON array or object, found ${typeof document}`, { details: { file } });
  }
  const object = document as Record<string, unknown>;
  const arrayKeys = Object.keys(object).filter((k) => Array.isArray(object[k]));
  if (arrayKeys.length === 0) return [document]; // one record on its own
  const chosen = arrayKeys.length === 1 ? arrayKeys[0] : ARRAY_KEYS.find((k) => arrayKeys.includes(k));
  if (chosen === undefined) {
    throw new LaminiError(
      ErrorCodes.USAGE,
      `${file}: several arrays (${arrayKeys.join(', ')}); name the one holding the records with jsonKey`,
      { details: { file, keys: arrayKeys } },
    );
  }
  return object[chosen] as unknown[];
}

async function* readCsv(file: string, delimiter: string): AsyncGenerator<RawRecord> {
  let header: string[] | undefined;
  try {
    for await (const record of parseCsv(openText(file) as AsyncIterable<string>, { delimiter, rawCap: RAW_CAP_BYTES })) {
      if (header === undefined) {
        if (record.error !== undefined) {
          throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `${file}: header line ${record.line}: ${record.error}`, { details: { file } });
        }
        header = record.fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name)) {
            throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `${file}: column "${name}" appears twice in the header`, { details: { file } });
          }
          seen.add(name);
        }
        continue;
      }
      if (record.error !== undefined) {
        yield { line: record.line, raw: record.raw, reason: 'malformed_csv', message: `line ${record.line}: ${record.error}` };
        continue;
      }
      if (record.fields.length !== header.length) {
        yield {
          line: record.line,
          raw: record.raw,
          reason: 'csv_column_count',
          message: `line ${record.line}: ${record.fields.length} fields, the header has ${header.length}`,
        };
        continue;
      }
      const value: Record<string, string> = {};
      header.forEach((name, i) => (value[name] = record.fields[i] ?? ''));
      yield { line: record.line, raw: record.raw, value };
    }
  } catch (error) {
    if (error instanceof LaminiError) throw error;
    throw unreadable(file, error);
  }
}

async function* readParquet(file: string): AsyncGenerator<RawRecord> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let result;
    try {
      result = await connection.stream(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
    } catch (error) {
      throw unreadable(file, error);
    }
    let row = 0;
    const batches = result.yieldRowObjectJson();
    for (;;) {
      let next: IteratorResult<Record<string, unknown>[]>;
      try {
        next = await batches.next();
      } catch (error) {
        throw unreadable(file, error);
      }
      if (next.done === true) break;
      for (const value of next.value) {
        row++;
        yield { line: row, raw: JSON.stringify(value), value };
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
