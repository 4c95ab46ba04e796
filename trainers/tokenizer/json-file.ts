/** Reading a tokenizer.json, whatever its model: the file's text, and its top-level JSON object. */
import { readFile } from 'node:fs/promises';
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import type { AddedToken } from './spec.ts';

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

/** `added_tokens`, checked; options that would change the ids (lstrip, rstrip, single_word) are refused. */
export function readAddedTokens(value: unknown, fail: Fail): AddedToken[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw fail('added_tokens is not an array');
  return value.map((token: unknown, i): AddedToken => {
    const where = `added_tokens[${i}]`;
    if (!isObject(token)) throw fail(`${where} is not an object`);
    const { id, content } = token;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw fail(`${where}.id is not a non-negative integer`);
    if (typeof content !== 'string' || content === '') throw fail(`${where}.content is not a non-empty string`);
    for (const flag of ['single_word', 'lstrip', 'rstrip']) {
      if (token[flag] === true) throw fail(`unsupported ${where}.${flag} true (${JSON.stringify(content)})`);
    }
    const special = token['special'] === true;
    // When the flag is absent HF takes normalized = !special.
    const normalized = typeof token['normalized'] === 'boolean' ? token['normalized'] : !special;
    return { id, content, special, normalized };
  });
}
