/** Small generated corpora for the dedup tests: base texts and edited copies, and the exact reference. */
import { canonicalShingles } from '../../../operators/dedup/minhash/index.ts';

export interface TextRecord {
  id: string;
  text: string;
}

/** A seeded corpus: `bases` texts of about `tokens` words, about half with 1–3 edited copies, shuffled. */
export function editedCorpus(bases: number, tokens: number, seed = 7): TextRecord[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const vocab = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'xyz'[i % 3]}`);
  const word = (): string => vocab[Math.floor(rnd() ** 2 * vocab.length)]!;
  const out: TextRecord[] = [];
  for (let b = 0; b < bases; b++) {
    const words = Array.from({ length: Math.max(1, Math.round(tokens * (0.5 + rnd()))) }, word);
    out.push({ id: `b${b}`, text: words.join(' ') });
    const copies = rnd() < 0.5 ? 1 + Math.floor(rnd() * 3) : 0;
    for (let c = 0; c < copies; c++) {
      const rate = rnd() * 0.25;
      const edited = words.map((w) => (rnd() < rate ? word() : w));
      if (rnd() < 0.3) edited.unshift('Please,');
      out.push({ id: `b${b}c${c}`, text: rnd() < 0.3 ? edited.join('  ').toUpperCase() : edited.join(' ') });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Exact keep-first over the canonical shingle sets (the ground truth's algorithm). */
export function exactKeepFirst(records: TextRecord[], threshold = 0.7, ngram = 3): Map<string, string> {
  const kept: Array<{ id: string; set: Set<string> }> = [];
  const dropped = new Map<string, string>();
  for (const r of records) {
    const set = canonicalShingles(r.text, ngram);
    let best: string | undefined;
    let bestJ = 0;
    for (const k of kept) {
      let inter = 0;
      for (const x of set) if (k.set.has(x)) inter++;
      const j = inter / (set.size + k.set.size - inter);
      if (j >= threshold && j > bestJ) [best, bestJ] = [k.id, j];
    }
    if (best === undefined) kept.push({ id: r.id, set });
    else dropped.set(r.id, best);
  }
  return dropped;
}
