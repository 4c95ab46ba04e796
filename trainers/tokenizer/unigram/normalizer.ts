/**
 * The normalizers a T5 / SentencePiece `tokenizer.json` uses, as one function from text to text: `Precompiled`
 * (the SentencePiece charsmap), `Replace` (a string, or a regex such as `" {2,}"`), `Strip`, `Prepend`, the
 * Unicode forms `NFC`/`NFD`/`NFKC`/`NFKD`, and a `Sequence` of these. HF applies the normalizer to each stretch of
 * text between added tokens, never across one. Whitespace for `Strip` is Unicode's White_Space, Rust's
 * `char::is_whitespace`. A `Replace` regex is run by JavaScript, not Oniguruma: the simple patterns converters
 * write (runs of spaces) mean the same in both.
 */
import { Charsmap } from './charsmap.ts';
import { describe, isObject, readPattern, type Fail } from './json.ts';

/**
 * A stretch of text and whether its first character still stands for the first character of the input: HF's
 * Metaspace "first" prepends "▁" only then. A `Replace` matching at the start or a `Strip` removing leading
 * whitespace moves that offset (so does an added token before the stretch); the other normalizers keep it.
 */
export interface Stretch {
  readonly text: string;
  readonly atStart: boolean;
}

export type Normalize = (stretch: Stretch) => Stretch;

const identity: Normalize = (stretch) => stretch;
const same = (step: (text: string) => string): Normalize => ({ text, atStart }) => ({ text: step(text), atStart });
const LEADING_SPACE = /^\p{White_Space}+/u;
const TRAILING_SPACE = /\p{White_Space}+$/u;
const FORMS = ['NFC', 'NFD', 'NFKC', 'NFKD'] as const;

/** The normalizer `value` describes (null: none). Throws TOKENIZER_INVALID for anything unsupported. */
export function readNormalizer(value: unknown, source: string, fail: Fail, where = 'normalizer'): Normalize {
  if (value == null) return identity;
  if (!isObject(value)) throw fail(`${where} is not an object`);
  const type = value['type'];
  switch (type) {
    case 'Sequence': {
      const list = value['normalizers'];
      if (!Array.isArray(list)) throw fail(`${where}.normalizers is not an array`);
      const steps = list.map((item: unknown, i) => readNormalizer(item, source, fail, `${where}.normalizers[${i}]`));
      return (stretch) => steps.reduce((acc, step) => step(acc), stretch);
    }
    case 'Precompiled': {
      const charsmap = value['precompiled_charsmap'];
      if (typeof charsmap !== 'string') throw fail(`${where}.precompiled_charsmap is not a base64 string`);
      const map = new Charsmap(charsmap, source);
      return same((text) => map.normalize(text));
    }
    case 'Replace': {
      const pattern = readPattern(value['pattern'], where, fail);
      const content = value['content'];
      if (typeof content !== 'string') throw fail(`${where}.content is not a string`);
      if ('string' in pattern) {
        const string = pattern.string;
        return ({ text, atStart }) => ({ text: text.split(string).join(content), atStart: atStart && !text.startsWith(string) });
      }
      let regex: RegExp;
      try {
        regex = new RegExp(pattern.regex, 'gu');
      } catch (error) {
        throw fail(`unsupported ${where}.pattern regex ${JSON.stringify(pattern.regex)}`, error);
      }
      // A function replacement: `content` is literal text, never `$1`-style references.
      const anchored = new RegExp(pattern.regex, 'uy');
      return ({ text, atStart }) => {
        anchored.lastIndex = 0;
        return { text: text.replace(regex, () => content), atStart: atStart && !anchored.test(text) };
      };
    }
    case 'Strip': {
      const left = value['strip_left'] === true;
      const right = value['strip_right'] === true;
      return ({ text, atStart }) => {
        let out = left ? text.replace(LEADING_SPACE, '') : text;
        const moved = out.length !== text.length;
        if (right) out = out.replace(TRAILING_SPACE, '');
        return { text: out, atStart: atStart && !moved };
      };
    }
    case 'Prepend': {
      const prepend = value['prepend'];
      if (typeof prepend !== 'string') throw fail(`${where}.prepend is not a string`);
      return same((text) => (text === '' ? text : prepend + text));
    }
    default: {
      const form = FORMS.find((f) => f === type);
      if (form !== undefined) return same((text) => text.normalize(form));
      throw fail(`unsupported ${where} ${describe(value)}`);
    }
  }
}
