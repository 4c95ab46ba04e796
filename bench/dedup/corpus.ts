/**
 * Synthetic corpora for the dedup benchmarks: texts of about `tokens` words drawn from a Zipf-like
 * vocabulary of 50,000 made-up words (so shingles repeat across texts the way common phrases do), with a
 * share of near-duplicate copies (word edits, a prefix, case changes) placed after their originals.
 * Deterministic for a seed. `node bench/dedup/corpus.ts --records N --out FILE` writes JSONL.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface CorpusOptions {
  records: number;
  tokens?: number;
  /** Share of records that are edited copies of an earlier one. */
  duplicateShare?: number;
  seed?: number;
}

export function* syntheticTexts(o: CorpusOptions): Generator<{ id: string; text: string }> {
  const tokens = o.tokens ?? 100;
  const dupShare = o.duplicateShare ?? 0.2;
  let s = (o.seed ?? 1) >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const vocab: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    let w = '';
    const len = 2 + Math.floor(rnd() * 8);
    for (let j = 0; j < len; j++) w += letters[Math.floor(rnd() ** 1.5 * 26)];
    vocab.push(w);
  }
  const word = (): string => vocab[Math.floor(rnd() ** 3 * vocab.length)]!;
  const recent: string[][] = [];
  for (let i = 0; i < o.records; i++) {
    let words: string[];
    if (recent.length > 0 && rnd() < dupShare) {
      const base = recent[Math.floor(rnd() * recent.length)]!;
      const rate = rnd() * 0.12;
      words = base.map((w) => (rnd() < rate ? word() : w));
      if (rnd() < 0.3) words.unshift('Please');
    } else {
      words = Array.from({ length: Math.round(tokens * (0.8 + 0.4 * rnd())) }, word);
      if (recent.length < 1000) recent.push(words);
      else recent[Math.floor(rnd() * 1000)] = words;
    }
    let text = words.join(' ');
    if (rnd() < 0.5) text = `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
    yield { id: String(i), text };
  }
}

async function main(): Promise<void> {
  const arg = (name: string, dflt: string): string => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1]! : dflt;
  };
  const out = createWriteStream(arg('out', '/dev/stdout'));
  let buf = '';
  for (const r of syntheticTexts({ records: Number(arg('records', '100000')), seed: Number(arg('seed', '1')) })) {
    buf += `${JSON.stringify(r)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
