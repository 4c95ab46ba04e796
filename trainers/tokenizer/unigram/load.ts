/**
 * One entry point for any tokenizer.json a student may bring: dispatches on `model.type` — "BPE" to the
 * byte-level BPE parser, "Unigram" to the SentencePiece one — and returns the common `Tokenizer`.
 */
import { parseTokenizerJson } from '../parse.ts';
import { invalidTokenizer } from '../spec.ts';
import type { Tokenizer } from '../tokenizer.ts';
import { describe, isObject, type Fail } from './json.ts';
import { parseRoot, readTokenizerText } from '../json-file.ts';
import { parseUnigramTokenizerJson } from './parse.ts';

export function parseAnyTokenizerJson(text: string, source = 'tokenizer.json'): Tokenizer {
  const fail: Fail = (problem, cause) => invalidTokenizer(source, problem, cause);
  const model = parseRoot(text, fail)['model'];
  const type = isObject(model) ? model['type'] : undefined;
  if (type === 'BPE') return parseTokenizerJson(text, source);
  if (type === 'Unigram') return parseUnigramTokenizerJson(text, source);
  if (!isObject(model)) throw fail('model is missing or not an object');
  throw fail(`unsupported model.type ${describe(type)}; only "BPE" and "Unigram" are supported`);
}

/** Reads and parses a tokenizer.json file; a missing or unreadable file is FILE_NOT_FOUND / FILE_UNREADABLE. */
export async function loadAnyTokenizer(path: string): Promise<Tokenizer> {
  return parseAnyTokenizerJson(await readTokenizerText(path), path);
}
