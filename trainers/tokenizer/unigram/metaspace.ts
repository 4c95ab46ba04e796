/**
 * Pre-tokenization for SentencePiece models: HF's `Metaspace` (spaces become "▁", a "▁" is prepended, and the text
 * is cut before every "▁"), optionally after `WhitespaceSplit` in a `Sequence` (older T5 files). Prepending
 * follows `prepend_scheme`: "always"; "first" (only the stretch of text at the very start of the input, not one
 * after an added token); "never". Files older than `prepend_scheme` say `add_prefix_space` (true = "always").
 */
import { describe, isObject, type Fail, type Json } from './json.ts';

/** The words of one normalized stretch of text; `atStart` says whether it begins the input. */
export type PreTokenize = (text: string, atStart: boolean) => string[];

type Scheme = 'always' | 'first' | 'never';

export interface Metaspace {
  readonly replacement: string;
  readonly scheme: Scheme;
}

const WHITESPACE = /\p{White_Space}+/u;

export function readPreTokenizer(value: unknown, fail: Fail): PreTokenize {
  if (!isObject(value)) throw fail(`unsupported pre_tokenizer ${describe(value)}; Metaspace is required`);
  if (value['type'] === 'Metaspace') return metaspace(readMetaspace(value, 'pre_tokenizer', fail), value['split'] !== false);
  if (value['type'] === 'Sequence') {
    const list = value['pretokenizers'];
    const [first, second] = Array.isArray(list) ? list : [];
    if (Array.isArray(list) && list.length === 2 && isObject(first) && first['type'] === 'WhitespaceSplit' && isObject(second) && second['type'] === 'Metaspace') {
      const options = readMetaspace(second, 'pre_tokenizer.pretokenizers[1]', fail);
      // "first" needs offsets into the original text, which whitespace splitting after normalization loses.
      if (options.scheme === 'first') throw fail('unsupported prepend_scheme "first" after WhitespaceSplit');
      const inner = metaspace(options, second['split'] !== false);
      return (text, atStart) => text.split(WHITESPACE).filter((w) => w !== '').flatMap((word) => inner(word, atStart));
    }
    throw fail('unsupported pre_tokenizer Sequence; only [WhitespaceSplit, Metaspace] is supported');
  }
  throw fail(`unsupported pre_tokenizer ${describe(value)}; Metaspace is required`);
}

/** The options of a Metaspace pre-tokenizer or decoder. */
export function readMetaspace(value: Json, where: string, fail: Fail): Metaspace {
  const replacement = value['replacement'];
  if (typeof replacement !== 'string' || [...replacement].length !== 1) {
    throw fail(`${where}.replacement ${JSON.stringify(replacement)} is not one character`);
  }
  const strRep = value['str_rep'];
  if (strRep != null && strRep !== replacement) throw fail(`unsupported ${where}.str_rep ${JSON.stringify(strRep)}`);
  const scheme = value['prepend_scheme'];
  if (scheme === 'always' || scheme === 'first' || scheme === 'never') return { replacement, scheme };
  if (scheme != null) throw fail(`unsupported ${where}.prepend_scheme ${JSON.stringify(scheme)}`);
  const addPrefixSpace = value['add_prefix_space'];
  if (addPrefixSpace != null && typeof addPrefixSpace !== 'boolean') throw fail(`${where}.add_prefix_space is not a boolean`);
  return { replacement, scheme: addPrefixSpace === false ? 'never' : 'always' };
}

function metaspace({ replacement, scheme }: Metaspace, split: boolean): PreTokenize {
  return (text, atStart) => {
    let out = text.split(' ').join(replacement);
    const prepend = scheme === 'always' || (scheme === 'first' && atStart);
    if (prepend && out !== '' && !out.startsWith(replacement)) out = replacement + out;
    if (!split) return out === '' ? [] : [out];
    // Cut before every replacement character; each piece keeps the "▁" that starts it.
    const words: string[] = [];
    let start = 0;
    for (let at = out.indexOf(replacement, 1); at >= 0; at = out.indexOf(replacement, at + replacement.length)) {
      if (at > start) words.push(out.slice(start, at));
      start = at;
    }
    if (start < out.length) words.push(out.slice(start));
    return words;
  };
}
