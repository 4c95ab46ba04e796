/**
 * Ids' token strings → text, as HF's decoders do it for SentencePiece models: `Metaspace` ("▁" → " ", dropped in
 * the first token unless the scheme is "never"), and for byte-fallback models `Replace` (string patterns),
 * `ByteFallback` (runs of `<0xNN>` → their UTF-8 text, or one U+FFFD per byte when the run is not valid UTF-8),
 * `Fuse` and `Strip`, alone or in a `Sequence`. Each decoder maps the list of token strings to a new list; the
 * result is their concatenation. With no decoder, HF joins the tokens with spaces.
 */
import { describe, isObject, readPattern, type Fail } from './json.ts';
import { readMetaspace } from './metaspace.ts';

/** Maps the token strings to new ones (HF's `decode_chain`). */
type DecodeChain = (tokens: string[]) => string[];
export type Decode = (tokens: readonly string[]) => string;

const BYTE_TOKEN = /^<0x(\+[0-9A-Fa-f]|[0-9A-Fa-f]{2})>$/;

export function readDecoder(value: unknown, fail: Fail): Decode {
  if (value == null) return (tokens) => tokens.join(' ');
  const chain = readChain(value, 'decoder', fail);
  return (tokens) => chain([...tokens]).join('');
}

function readChain(value: unknown, where: string, fail: Fail): DecodeChain {
  if (!isObject(value)) throw fail(`${where} is not an object`);
  switch (value['type']) {
    case 'Sequence': {
      const list = value['decoders'];
      if (!Array.isArray(list)) throw fail(`${where}.decoders is not an array`);
      const steps = list.map((item: unknown, i) => readChain(item, `${where}.decoders[${i}]`, fail));
      return (tokens) => steps.reduce((acc, step) => step(acc), tokens);
    }
    case 'Metaspace': {
      const { replacement, scheme } = readMetaspace(value, where, fail);
      return (tokens) =>
        tokens.map((token, i) => token.split(replacement).join(i === 0 && scheme !== 'never' ? '' : ' '));
    }
    case 'Replace': {
      const pattern = readPattern(value['pattern'], where, fail);
      const content = value['content'];
      if (!('string' in pattern)) throw fail(`unsupported ${where}.pattern: a Regex`);
      if (typeof content !== 'string') throw fail(`${where}.content is not a string`);
      return (tokens) => tokens.map((token) => token.split(pattern.string).join(content));
    }
    case 'ByteFallback':
      return byteFallback;
    case 'Fuse':
      return (tokens) => [tokens.join('')];
    case 'Strip': {
      const content = value['content'];
      const start = value['start'];
      const stop = value['stop'];
      if (typeof content !== 'string' || [...content].length !== 1) throw fail(`${where}.content is not one character`);
      if (!isCount(start) || !isCount(stop)) throw fail(`${where}.start and .stop are not non-negative integers`);
      return (tokens) => tokens.map((token) => strip(token, content, start, stop));
    }
    default:
      throw fail(`unsupported ${where} ${describe(value)}`);
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length === 0) return;
    try {
      out.push(UTF8.decode(Uint8Array.from(bytes)));
    } catch {
      for (let i = 0; i < bytes.length; i++) out.push('\ufffd');
    }
    bytes = [];
  };
  for (const token of tokens) {
    const hex = BYTE_TOKEN.exec(token)?.[1];
    if (hex !== undefined) {
      bytes.push(parseInt(hex, 16));
      continue;
    }
    flush();
    out.push(token);
  }
  flush();
  return out;
}

/** Removes up to `start` leading and `stop` trailing `content` characters, as HF's Strip decoder. */
function strip(token: string, content: string, start: number, stop: number): string {
  const chars = [...token];
  let from = 0;
  while (from < Math.min(start, chars.length) && chars[from] === content) from++;
  let to = chars.length;
  while (chars.length - to < stop && to > from && chars[to - 1] === content) to--;
  return chars.slice(from, to).join('');
}
