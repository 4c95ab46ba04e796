/**
 * Reading `.avsc` files: the current schemas sit in `schemas/*.avsc` (one per record type), the writer schemas
 * of older versions in `schemas/history/*.avsc` (kept only when a version changes, e.g. `example.v1.avsc`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, LaminiError } from '../common/errors.ts';
import type { AvroSchema } from './fingerprint.ts';

export interface SchemaFile {
  path: string;
  schema: AvroSchema;
}

export interface SchemaDir {
  /** The reader schemas, one per record type. */
  current: SchemaFile[];
  /** Older writer schemas that messages in flight or at rest may still carry. */
  history: SchemaFile[];
}

function hasAvsc(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.avsc'));
}

/** This folder when run from source; the package's `schemas/` when run from the compiled `dist/schemas/`. */
export function defaultSchemaDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = fileURLToPath(new URL('../../schemas/', import.meta.url));
  return hasAvsc(here) || !hasAvsc(fromDist) ? here : fromDist;
}

export function readSchemaFile(path: string): SchemaFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read schema ${path}`, { cause, details: { path } });
  }
  try {
    return { path, schema: JSON.parse(text) as AvroSchema };
  } catch (cause) {
    throw new LaminiError(ErrorCodes.SCHEMA_INVALID, `schema ${path} is not valid JSON`, { cause, details: { path } });
  }
}

function readAll(dir: string): SchemaFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((f) => readSchemaFile(join(dir, f)));
}

export function readSchemaDir(dir: string = defaultSchemaDir()): SchemaDir {
  return { current: readAll(dir), history: readAll(join(dir, 'history')) };
}
