/** Reading a tokenizer.json, whatever its model: the file's text, and its top-level JSON object. */
import { readFile } from 'node:fs/promises';
import { ErrorCodes, LaminiError } from '../../common/errors.ts';

export type Json = Record<string, unknown>;
/** Builds the TOKENIZER_INVALID error for one problem (the source is already bound). */
export type Fail = (problem: string, cause?: unknown) => LaminiError;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON object of a tokenizer.json text; TOKENIZER_INVALID when it is not JSON or not an object. */
export function parseRoot(text: string, fail: Fail): Json {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    throw fail(`not valid JSON (${reason})`, error);
  }
  if (!isObject(root)) throw fail('the top level is not a JSON object');
  return root;
}

/** A tokenizer file's text; a missing or unreadable file is FILE_NOT_FOUND / FILE_UNREADABLE. */
export async function readTokenizerText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const missing = isObject(error) && error['code'] === 'ENOENT';
    throw new LaminiError(missing ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE, `cannot read tokenizer ${path}`, {
      cause: error,
      details: { path },
    });
  }
}
