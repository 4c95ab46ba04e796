/**
 * Precision and recall on ../shared/bench/neardup-gsm8k against its exact ground truth (truth.mjs), with
 * default settings, side by side: lamini (fast and classic signatures), datasketch with its defaults
 * (LSH candidates only, and candidates whose estimated Jaccard ≥ threshold), and the npm `minhash`
 * package (its Minhash and LshIndex on the same canonical shingles; candidates kept when its estimated
 * Jaccard ≥ threshold). One JSON line. `--corpus DIR` scores another folder with corpus.jsonl and truth.mjs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { MinHashIndex, canonicalShingles } from '../../operators/dedup/minhash/index.ts';
import { GSM8K, PYTHON, arg, report, workDir } from './common.ts';

interface Scored { precision: number; recall: number; dropped: number; seconds: number }

const loadBefore = loadavg();
const dir = arg('corpus', GSM8K);
const corpus = `${dir}/corpus.jsonl`;
const threshold = Number(arg('threshold', '0.7'));
const truth = JSON.parse(execFileSync(process.execPath, [`${dir}/truth.mjs`, corpus, '--threshold', String(threshold)], { encoding: 'utf8', maxBuffer: 1 << 28 })) as { duplicates: Array<string | number> };
const truthSet = new Set(truth.duplicates.map(String));
const records = readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { id: string | number; text?: string });

const score = (dropped: string[], seconds: number): Scored => {
  const tp = dropped.filter((d) => truthSet.has(d)).length;
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  return { precision: r4(dropped.length === 0 ? 1 : tp / dropped.length), recall: r4(tp / truthSet.size), dropped: dropped.length, seconds: Math.round(seconds * 1000) / 1000 };
};

function lamini(signature: 'fast' | 'classic'): Scored & { index: string } {
  const index = new MinHashIndex({ signature, threshold });
  const t0 = performance.now();
  const dropped: string[] = [];
  for (const r of records) if (index.offer(String(r.id), r.text ?? '') !== undefined) dropped.push(String(r.id));
  return { index: index.name, ...score(dropped, (performance.now() - t0) / 1000) };
}

function datasketch(verify: boolean): Scored | { error: string } {
  if (!existsSync(PYTHON)) return { error: `datasketch is not installed (run bench/dedup/setup-datasketch.sh)` };
  const ids = `${workDir()}/datasketch-dropped.txt`;
  const out = JSON.parse(execFileSync(PYTHON, [`${import.meta.dirname}/datasketch_keepfirst.py`, corpus, '--threshold', String(threshold), '--dropped-ids', ids, ...(verify ? ['--verify-estimate'] : [])], { encoding: 'utf8' })) as { seconds: number; bands: number; rows: number };
  const dropped = readFileSync(ids, 'utf8').split('\n').filter(Boolean).map((l) => String(JSON.parse(l)));
  return { ...score(dropped, out.seconds), ...{ bands: out.bands, rows: out.rows } };
}

function npmMinhash(): Scored & { band_size: number } {
  const require = createRequire(import.meta.url);
  const { Minhash, LshIndex } = require('minhash') as {
    Minhash: new (o?: { numPerm?: number }) => { update(s: string): void; jaccard(o: unknown): number };
    LshIndex: new (o?: { bandSize?: number }) => { insert(k: string, m: unknown): void; index: Record<string, string[]>; getHashbands(m: unknown): string[] };
  };
  const bandSize = 4; // the package's default: 32 bands of 4 rows for 128 permutations
  const lsh = new LshIndex({ bandSize });
  const kept = new Map<string, { jaccard(o: unknown): number }>();
  const t0 = performance.now();
  const dropped: string[] = [];
  for (const r of records) {
    const m = new Minhash({ numPerm: 128 });
    for (const s of canonicalShingles(r.text ?? '', 3)) m.update(s);
    // LshIndex.query throws on a band it has never seen; gather candidates from the seen bands instead.
    const cands = new Set<string>();
    for (const band of lsh.getHashbands(m)) for (const k of lsh.index[band] ?? []) cands.add(k);
    const id = String(r.id);
    if ([...cands].some((k) => kept.get(k)!.jaccard(m) >= threshold)) dropped.push(id);
    else {
      lsh.insert(id, m);
      kept.set(id, m);
    }
  }
  return { band_size: bandSize, ...score(dropped, (performance.now() - t0) / 1000) };
}

report('dedup.quality', {
  corpus, threshold, records: records.length, true_duplicates: truthSet.size,
  targets: { precision: 0.995, recall: 0.985 },
  lamini_fast: lamini('fast'), lamini_classic: lamini('classic'),
  datasketch_defaults: datasketch(false), datasketch_defaults_estimate_check: datasketch(true),
  minhash_npm: npmMinhash(),
}, loadBefore);
