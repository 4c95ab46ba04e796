/**
 * GPT-2's byte-level alphabet: every byte 0..255 gets one printable Unicode character, so that a BPE vocabulary
 * over bytes can be written as JSON strings (a space becomes `Ġ`, a newline `Ċ`).
 *
 * This is `bytes_to_unicode()` from GPT-2's `encoder.py`, which Hugging Face `tokenizers` copies in its ByteLevel
 * pre-tokenizer and decoder: the printable bytes `!`..`~`, `¡`..`¬`, `®`..`ÿ` stand for themselves; the other 68
 * bytes, in byte order, take U+0100 onwards. `BYTE_SYMBOL_ORDER` lists the 256 symbols by code point, which is both
 * GPT-2's id order for its first 256 tokens and the order in which HF's BPE trainer lays out its base alphabet.
 */

function buildTables(): { byteToSymbol: readonly string[]; order: readonly number[] } {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const codePoints = new Array<number>(256).fill(-1);
  for (const b of printable) codePoints[b] = b;
  let next = 0x100;
  const shifted: number[] = [];
  for (let b = 0; b < 256; b++) {
    if (codePoints[b] === -1) {
      codePoints[b] = next++;
      shifted.push(b);
    }
  }
  const byteToSymbol = codePoints.map((cp) => String.fromCodePoint(cp));
  // Code point order: the printable bytes (which keep their own code points) come first, then the shifted ones.
  return { byteToSymbol, order: [...printable, ...shifted] };
}

const tables = buildTables();

/** `BYTE_TO_SYMBOL[b]` is the one-character string that stands for byte `b`. */
export const BYTE_TO_SYMBOL: readonly string[] = tables.byteToSymbol;

/** The 256 bytes in the order of their symbols' code points: GPT-2's ids 0..255. */
export const BYTE_SYMBOL_ORDER: readonly number[] = tables.order;

const symbolToByte = new Map<string, number>(BYTE_TO_SYMBOL.map((symbol, byte) => [symbol, byte]));

/** The byte a one-character symbol stands for, or undefined when it is not a byte-level symbol. */
export function byteOfSymbol(symbol: string): number | undefined {
  return symbolToByte.get(symbol);
}

/** Bytes → their byte-level symbols, concatenated (the string a vocabulary entry is keyed by). */
export function bytesToSymbols(bytes: Iterable<number>): string {
  let out = '';
  for (const b of bytes) out += BYTE_TO_SYMBOL[b] ?? '';
  return out;
}

/**
 * The bytes a vocabulary string stands for. As HF's ByteLevel decoder does, a token containing any character
 * that is not a byte-level symbol (an added token such as `<|endoftext|>` may) stands for its own UTF-8 bytes.
 */
export function symbolsToBytes(token: string): Uint8Array {
  const out = new Uint8Array(token.length);
  let i = 0;
  for (const ch of token) {
    const b = symbolToByte.get(ch);
    if (b === undefined) return new TextEncoder().encode(token);
    out[i++] = b;
  }
  return out.subarray(0, i);
}
