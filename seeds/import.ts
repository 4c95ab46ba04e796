/**
 * Import seed instructions from a file: JSONL (streamed line by line), JSON (an array, or an object holding
 * one), CSV/TSV (RFC 4180) or Parquet (DuckDB), optionally gzipped (not Parquet). Every record becomes a seed,
 * a rejection with a stable reason and its line, or a counted duplicate of an earlier seed: nothing is
 * dropped silently.
 */
import { stat, access, constants } from 'node:fs/promises';
import type { Seed } from '../schemas/types.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { capRaw, formatFromPath, readRecords, SEED_FORMATS } from './readers.ts';
import type { SeedFormat } from './readers.ts';
import { extractSeedFields } from './shape.ts';
import type { FieldMap } from './shape.ts';
import { seedId } from './seed-id.ts';

/** Stable reasons a record is rejected. */
export const REJECTION_REASONS = [
  'malformed_json',
  'malformed_csv',
  'csv_column_count',
  'not_an_object',
  'missing_instruction',
  'field_not_text',
  'instruction_empty',
  'instruction_too_long',
  'input_too_long',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  /** 1-based line (JSONL, CSV: where the record starts) or item/row number (JSON, Parquet). */
  line: number;
  reason: RejectionReason;
  /** One line, starting with where it happened. */
  message: string;
  /** The record's text, cut to 64 kB. */
  raw: string;
}

export interface Duplicate {
  line: number;
  id: string;
  /** Line (or item/row) of the seed it duplicates. */
  firstLine: number;
}

export interface ImportOptions {
  /** Seed family: `self_instruct`, `p3`, `flan`, `alpaca`, or a user's own name (letters, digits, `_.-`). */
  source: string;
  /** Subset for records that name none. */
  subset?: string;
  fieldMap?: FieldMap;
  /** Default: from the file extension (`.jsonl`/`.ndjson`, `.json`, `.csv`/`.tsv`, `.parquet`, each maybe `.gz`). */
  format?: SeedFormat;
  /** Longest instruction and longest input in characters (default 10,000). */
  maxChars?: number;
  /** JSON: dotted path of the records array inside a top-level object. */
  jsonKey?: string;
  /** CSV: field delimiter (default ',' or tab for `.tsv`). */
  delimiter?: string;
}

export interface ImportResult {
  seeds: Seed[];
  rejected: Rejection[];
  duplicates: Duplicate[];
  /** Records read (seeds + rejected + duplicates). */
  records: number;
  format: SeedFormat;
}

export const DEFAULT_MAX_CHARS = 10_000;

export type SeedEvent =
  | { kind: 'seed'; line: number; seed: Seed }
  | { kind: 'rejected'; rejection: Rejection };

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function validateSourceName(source: string): void {
  if (!SOURCE_NAME.test(source)) {
    throw new LaminiError(
      ErrorCodes.USAGE,
      `seed source ${JSON.stringify(source)} must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`,
      { details: { source } },
    );
  }
}

/** Check the arguments and the file, then stream its records as seeds or rejections (no dedup). */
export async function iterateSeeds(file: string, options: ImportOptions): Promise<AsyncGenerator<SeedEvent>> {
  validateSourceName(options.source);
  const format = options.format ?? formatFromPath(file);
  if (format === undefined || !(SEED_FORMATS as readonly string[]).includes(format)) {
    const given = options.format !== undefined ? `format "${String(options.format)}"` : `the extension of ${file}`;
    throw new LaminiError(ErrorCodes.USAGE, `cannot import ${given}: use one of ${SEED_FORMATS.join(', ')}`, { details: { file } });
  }
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (!Number.isInteger(maxChars) || maxChars < 1) {
    throw new LaminiError(ErrorCodes.USAGE, `maxChars must be a positive integer, got ${maxChars}`);
  }
  await checkReadable(file);
  const readOptions = {
    ...(options.jsonKey !== undefined && { jsonKey: options.jsonKey }),
    ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
  };
  const shapeOptions = {
    maxChars,
    ...(options.fieldMap !== undefined && { fieldMap: options.fieldMap }),
    ...(options.subset !== undefined && { subset: options.subset }),
  };
  const unit = format === 'json' ? 'item' : format === 'parquet' ? 'row' : 'line';
  return (async function* events(): AsyncGenerator<SeedEvent> {
    for await (const record of readRecords(file, format, readOptions)) {
      if ('reason' in record) {
        const rejection = { line: record.line, reason: record.reason as RejectionReason, message: record.message, raw: capRaw(record.raw) };
        yield { kind: 'rejected', rejection };
        continue;
      }
      const shaped = extractSeedFields(record.value, shapeOptions);
      if (!shaped.ok) {
        const rejection = {
          line: record.line,
          reason: shaped.reason as RejectionReason,
          message: `${unit} ${record.line}: ${shaped.message}`,
          raw: capRaw(record.raw),
        };
        yield { kind: 'rejected', rejection };
        continue;
      }
      const { instruction, input, output, subset } = shaped.fields;
      const seed: Seed = { id: seedId(instruction, input), instruction, input, output, source: options.source, subset };
      yield { kind: 'seed', line: record.line, seed };
    }
  })();
}

/** Read a whole file into seeds (first of each id kept), rejections and duplicates. */
export async function importSeeds(file: string, options: ImportOptions): Promise<ImportResult> {
  const format = options.format ?? formatFromPath(file);
  const events = await iterateSeeds(file, options);
  const seeds: Seed[] = [];
  const rejected: Rejection[] = [];
  const duplicates: Duplicate[] = [];
  const firstLine = new Map<string, number>();
  let records = 0;
  for await (const event of events) {
    records++;
    if (event.kind === 'rejected') {
      rejected.push(event.rejection);
      continue;
    }
    const seen = firstLine.get(event.seed.id);
    if (seen !== undefined) {
      duplicates.push({ line: event.line, id: event.seed.id, firstLine: seen });
      continue;
    }
    firstLine.set(event.seed.id, event.line);
    seeds.push(event.seed);
  }
  return { seeds, rejected, duplicates, records, format: format as SeedFormat };
}

async function checkReadable(file: string): Promise<void> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `seed file not found: ${file}`, { cause: error, details: { file } });
    }
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read seed file ${file}: ${code ?? String(error)}`, { cause: error, details: { file } });
  }
  if (!info.isFile()) {
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read seed file ${file}: not a regular file`, { details: { file } });
  }
  try {
    await access(file, constants.R_OK);
  } catch (error) {
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read seed file ${file}: permission denied`, { cause: error, details: { file } });
  }
}
