/**
 * Pre-tokenization, the step before BPE: cut added tokens (`<|endoftext|>`) out of the text, then split each
 * remaining piece with GPT-2's regex into the words that BPE encodes one at a time.
 *
 * GPT-2's pattern is `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`. HF `tokenizers`
 * runs it with Oniguruma, whose `\s` is Unicode's White_Space property; JavaScript's `\s` differs on two characters
 * (it adds U+FEFF and lacks U+0085). We spell `\s` as `\p{White_Space}` so that we split as the Rust library does
 * (checked against Python `tokenizers` 0.23.3; the JS port `@huggingface/tokenizers` uses JavaScript's `\s` and
 * disagrees with both on those two characters).
 */

/** GPT-2's split regex with Oniguruma's `\s`. */
export const GPT2_SPLIT_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\p{White_Space}\\p{L}\\p{N}]+" +
  '|\\p{White_Space}+(?!\\P{White_Space})|\\p{White_Space}+';

const SPLIT = new RegExp(GPT2_SPLIT_PATTERN, 'gu');

/** The words GPT-2's regex splits `text` into; their concatenation is `text`. */
export function splitWords(text: string): string[] {
  return text.match(SPLIT) ?? [];
}

/** A piece of input: plain text to pre-tokenize, or an added token already matched to its id. */
export type Piece = { readonly text: string } | { readonly addedId: number };

/** An added token as the splitter needs it. */
export interface AddedTokenMatch {
  readonly id: number;
  readonly content: string;
  /** HF matches tokens with `normalized: false` on the raw text first, then the others on what is left. */
  readonly normalized: boolean;
}

/**
 * Cuts added tokens out of text as HF's AddedVocabulary does: leftmost-longest matches, first the tokens marked
 * `normalized: false` over the whole text, then the `normalized: true` ones over the pieces in between (there is
 * no normalizer, so the second pass sees the raw text too). For parity with HF, a literal `<|endoftext|>` in the
 * input therefore encodes as the special id, never as the characters `<`, `|`, ...
 */
export class AddedTokenSplitter {
  readonly #passes: readonly { readonly pattern: RegExp; readonly ids: ReadonlyMap<string, number> }[];

  constructor(tokens: readonly AddedTokenMatch[]) {
    const passes = [tokens.filter((t) => !t.normalized), tokens.filter((t) => t.normalized)];
    this.#passes = passes
      .filter((pass) => pass.length > 0)
      .map((pass) => {
        // Longest first: a JavaScript alternation takes the first alternative that matches at a position.
        const contents = [...new Set(pass.map((t) => t.content))].sort((a, b) => b.length - a.length);
        return {
          pattern: new RegExp(contents.map(escapeRegExp).join('|'), 'gu'),
          ids: new Map(pass.map((t) => [t.content, t.id])),
        };
      });
  }

  split(text: string): Piece[] {
    let pieces: Piece[] = [{ text }];
    for (const pass of this.#passes) {
      const next: Piece[] = [];
      for (const piece of pieces) {
        if ('text' in piece) splitOne(piece.text, pass.pattern, pass.ids, next);
        else next.push(piece);
      }
      pieces = next;
    }
    return pieces;
  }
}

function splitOne(text: string, pattern: RegExp, ids: ReadonlyMap<string, number>, out: Piece[]): void {
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const id = ids.get(match[0]);
    if (id === undefined) continue;
    if (match.index > last) out.push({ text: text.slice(last, match.index) });
    out.push({ addedId: id });
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
}

function escapeRegExp(text: string): string {
  // The syntax characters: the only ones that may be escaped in a `u` regex.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
