/**
 * The BPE learning loop over counted words, with incremental pair counts (as HF's `BpeTrainer` does):
 *
 *   words        each distinct word once, as byte-symbol ids in one Int32Array pool, with its count
 *   pairCounts   adjacent pair → occurrences weighted by word count
 *   wordsWith    pair → words that may contain it (a superset; stale entries are skipped when scanned)
 *   heap         (count, pair) entries, most frequent first; an entry whose count is stale is re-pushed with the
 *                current count when it surfaces, so the first entry that checks out is the true maximum
 *
 * Each step merges the best pair in only the words that hold it and adjusts only the counts of the pairs next to
 * each merge site. Ties go to the pair with the smaller (left id, right id): HF's tie-break, deterministic
 * because ids are handed out in merge order, and independent of the order of the texts.
 *
 * The result equals HF's: test/fixtures/tokenizer/hf-merges.json records what Python `tokenizers` learns from a
 * test corpus, and bench/trainer/tokenizer-python-parity.ts compares the two on 5 MB.
 *
 * Should two tokens ever concatenate to a string already in the vocabulary ("ab"+"c" after "a"+"bc"), the merge
 * reuses that token's id, as HF does; a pair is never merged twice, so the merges list has no repeats.
 */
import { BYTE_SYMBOL_ORDER, BYTE_TO_SYMBOL } from './byte-level.ts';
import { BinaryHeap } from './heap.ts';

export interface LearnedBpe {
  /** Token strings (byte symbols) by id: the 256 byte symbols, then one per new merge result. */
  readonly tokens: readonly string[];
  /** Merges in rank order, as ids into `tokens`. */
  readonly merges: readonly (readonly [number, number])[];
}

interface Entry {
  readonly count: number;
  readonly a: number;
  readonly b: number;
}

const firstOut = (x: Entry, y: Entry): boolean =>
  x.count !== y.count ? x.count > y.count : x.a !== y.a ? x.a < y.a : x.b < y.b;

/** Distinct words as symbol ids: word w is `pool[starts[w] .. starts[w] + lengths[w])`, seen `counts[w]` times. */
interface Words {
  readonly pool: Int32Array;
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly counts: Float64Array;
}

/** The words of two or more bytes (a single byte has no pair to merge), as base-symbol ids. */
function toSymbols(wordCounts: ReadonlyMap<string, number>, byteIds: Int32Array): Words {
  const utf8 = new TextEncoder();
  const encoded: Uint8Array[] = [];
  const counts: number[] = [];
  let total = 0;
  for (const [word, count] of wordCounts) {
    const bytes = utf8.encode(word);
    if (bytes.length < 2) continue;
    encoded.push(bytes);
    counts.push(count);
    total += bytes.length;
  }
  const pool = new Int32Array(total);
  const starts = new Int32Array(encoded.length);
  const lengths = new Int32Array(encoded.length);
  let at = 0;
  encoded.forEach((bytes, w) => {
    starts[w] = at;
    lengths[w] = bytes.length;
    for (const b of bytes) pool[at++] = byteIds[b] as number;
  });
  return { pool, starts, lengths, counts: Float64Array.from(counts) };
}

/**
 * Replaces each `a b` in word `w`, left to right, by `id`, and reports how the pairs next to each site change:
 * `x a` becomes `x id`, `b y` becomes `id y` (weighted by the word's count; `a b` itself is not reported).
 */
function mergeInWord(words: Words, w: number, a: number, b: number, id: number, change: (x: number, y: number, by: number) => void): void {
  const { pool } = words;
  const start = words.starts[w] as number;
  const end = start + (words.lengths[w] as number);
  const c = words.counts[w] as number;
  let out = start;
  let i = start;
  while (i < end) {
    if (i + 1 < end && pool[i] === a && pool[i + 1] === b) {
      if (out > start) {
        const before = pool[out - 1] as number;
        change(before, a, -c);
        change(before, id, c);
      }
      if (i + 2 < end) {
        const after = pool[i + 2] as number;
        change(b, after, -c);
        change(id, after, c);
      }
      pool[out++] = id;
      i += 2;
    } else {
      pool[out++] = pool[i++] as number;
    }
  }
  words.lengths[w] = out - start;
}

/** Learns merges until there are `maxTokens` tokens or no pair occurs `minFrequency` times. */
export function learnMerges(wordCounts: ReadonlyMap<string, number>, maxTokens: number, minFrequency: number): LearnedBpe {
  const tokens = BYTE_SYMBOL_ORDER.map((b) => BYTE_TO_SYMBOL[b] ?? '');
  const tokenIds = new Map(tokens.map((t, id) => [t, id]));
  const byteIds = new Int32Array(256);
  BYTE_SYMBOL_ORDER.forEach((b, id) => (byteIds[b] = id));
  const base = Math.max(maxTokens, 256);
  const key = (a: number, b: number): number => a * base + b;
  const words = toSymbols(wordCounts, byteIds);

  const pairCounts = new Map<number, number>();
  const wordsWith = new Map<number, number[]>();
  const addWord = (k: number, w: number): void => {
    const list = wordsWith.get(k);
    if (list === undefined) wordsWith.set(k, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  for (let w = 0; w < words.starts.length; w++) {
    const start = words.starts[w] as number;
    const end = start + (words.lengths[w] as number);
    for (let i = start; i + 1 < end; i++) {
      const k = key(words.pool[i] as number, words.pool[i + 1] as number);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + (words.counts[w] as number));
      addWord(k, w);
    }
  }
  const heap = new BinaryHeap<Entry>(firstOut);
  for (const [k, count] of pairCounts) heap.push({ count, a: Math.floor(k / base), b: k % base });

  const merges: [number, number][] = [];
  const merged = new Set<number>();
  const visited = new Int32Array(words.starts.length).fill(-1);
  const deltas = new Map<number, number>();
  const grown: number[] = []; // (pair key, word) for each pair that gained an occurrence in that word

  while (tokens.length < maxTokens) {
    const top = heap.pop();
    if (top === undefined) break;
    const { a, b } = top;
    const k = key(a, b);
    const current = pairCounts.get(k) ?? 0;
    if (current !== top.count) {
      if (current > 0) heap.push({ count: current, a, b });
      continue;
    }
    if (current < minFrequency) break;
    const holders = wordsWith.get(k) ?? [];
    pairCounts.delete(k);
    wordsWith.delete(k);
    merged.add(k);

    const text = (tokens[a] ?? '') + (tokens[b] ?? '');
    let id = tokenIds.get(text);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(text);
      tokenIds.set(text, id);
    }
    merges.push([a, b]);

    const step = merges.length;
    deltas.clear();
    grown.length = 0;
    let word = 0;
    const change = (x: number, y: number, by: number): void => {
      const pk = key(x, y);
      deltas.set(pk, (deltas.get(pk) ?? 0) + by);
      if (by > 0) grown.push(pk, word);
    };
    for (const w of holders) {
      if (visited[w] === step) continue;
      visited[w] = step;
      word = w;
      mergeInWord(words, w, a, b, id, change);
    }
    for (const [pk, d] of deltas) {
      if (pk === k || d === 0 || merged.has(pk)) continue;
      const c = (pairCounts.get(pk) ?? 0) + d;
      if (c > 0) pairCounts.set(pk, c);
      else pairCounts.delete(pk);
      if (d > 0) heap.push({ count: c, a: Math.floor(pk / base), b: pk % base });
    }
    for (let g = 0; g < grown.length; g += 2) {
      const pk = grown[g] as number;
      if (!merged.has(pk)) addWord(pk, grown[g + 1] as number);
    }
  }
  return { tokens, merges };
}
