/**
 * The Unigram model of HF `tokenizers` (SentencePiece's): the best segmentation of a word by Viterbi over the
 * vocabulary's pieces, summing log-probability scores. A character no piece starts with costs the unknown score
 * (lowest score − 10). Ties keep the first path found (shorter pieces first, from earlier starts), as HF does.
 * Runs of unknown characters are fused into one piece, which becomes `unk_id` — or, with `byte_fallback`, one
 * `<0xNN>` piece per UTF-8 byte when every such piece is in the vocabulary.
 *
 * Positions are code points; every piece is valid UTF-8, so a match over code points is a match over HF's bytes.
 */
const UNK_PENALTY = 10;
const UTF8 = new TextEncoder();

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** The piece ending here (the last id for a repeated piece, as HF's map keeps), or -1. */
  id: number;
}

export interface UnigramOptions {
  /** `[piece, score]` by id. */
  readonly pieces: readonly (readonly [string, number])[];
  readonly unkId: number;
  readonly byteFallback: boolean;
}

export class UnigramModel {
  readonly #root: TrieNode = { children: new Map(), id: -1 };
  readonly #scores: Float64Array;
  readonly #ids = new Map<string, number>();
  readonly #unkId: number;
  readonly #unkScore: number;
  /** `<0xNN>` ids by byte, or undefined without byte fallback. */
  readonly #byteIds: readonly (number | undefined)[] | undefined;

  constructor(options: UnigramOptions) {
    this.#scores = new Float64Array(options.pieces.length);
    let minScore = Number.MAX_VALUE;
    options.pieces.forEach(([piece, score], id) => {
      this.#scores[id] = score;
      this.#ids.set(piece, id);
      minScore = Math.min(minScore, score);
      let node = this.#root;
      for (const char of piece) {
        const code = char.codePointAt(0) ?? 0;
        let child = node.children.get(code);
        if (child === undefined) {
          child = { children: new Map(), id: -1 };
          node.children.set(code, child);
        }
        node = child;
      }
      node.id = id;
    });
    this.#unkId = options.unkId;
    this.#unkScore = minScore - UNK_PENALTY;
    this.#byteIds = options.byteFallback
      ? Array.from({ length: 256 }, (_, b) => this.#ids.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`))
      : undefined;
  }

  /** The ids of one pre-tokenized word. */
  encode(word: string): number[] {
    const letters = Array.from(word);
    const chars = letters.map((c) => c.codePointAt(0) ?? 0);
    const n = chars.length;
    const best = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const ids = new Int32Array(n + 1);
    for (let start = 0; start < n; start++) {
      const base = best[start] ?? 0;
      let single = false;
      let node: TrieNode | undefined = this.#root;
      for (let end = start; end < n && node !== undefined; end++) {
        node = node.children.get(chars[end] ?? 0);
        if (node === undefined || node.id < 0) continue;
        const score = (this.#scores[node.id] ?? 0) + base;
        if ((from[end + 1] ?? -1) < 0 || score > (best[end + 1] ?? 0)) {
          best[end + 1] = score;
          from[end + 1] = start;
          ids[end + 1] = node.id;
        }
        if (end === start) single = true;
      }
      if (!single) {
        const score = this.#unkScore + base;
        if ((from[start + 1] ?? -1) < 0 || score > (best[start + 1] ?? 0)) {
          best[start + 1] = score;
          from[start + 1] = start;
          ids[start + 1] = this.#unkId;
        }
      }
    }
    return this.#backtrack(letters, from, ids);
  }

  /** Walks the best path back to front, fusing runs of unknown pieces. */
  #backtrack(letters: readonly string[], from: Int32Array, ids: Int32Array): number[] {
    const out: number[] = [];
    let unknownEnd = -1;
    let end = letters.length;
    const flushUnknown = (start: number): void => {
      if (unknownEnd < 0) return;
      out.push(...this.#unknown(letters.slice(start, unknownEnd).join('')).reverse());
      unknownEnd = -1;
    };
    while (end > 0) {
      const start = from[end] ?? 0;
      const id = ids[end] ?? 0;
      if (id === this.#unkId) {
        if (unknownEnd < 0) unknownEnd = end;
      } else {
        flushUnknown(end);
        out.push(id);
      }
      end = start;
    }
    flushUnknown(0);
    return out.reverse();
  }

  /** The ids of a fused run of unknown characters. */
  #unknown(text: string): number[] {
    const known = this.#ids.get(text);
    if (known !== undefined) return [known];
    if (this.#byteIds !== undefined) {
      const ids: number[] = [];
      for (const byte of UTF8.encode(text)) {
        const id = this.#byteIds[byte];
        if (id === undefined) return [this.#unkId];
        ids.push(id);
      }
      return ids;
    }
    return [this.#unkId];
  }
}
