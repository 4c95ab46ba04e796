/**
 * Accuracy of the Jaccard estimate: RMSE of (matching signature positions / k) against the exact Jaccard
 * over pairs with true J in [0.3, 0.9], classic vs fast signatures, 128 permutations. Pairs are sets of
 * shingle hashes of several sizes (3 to 1,000 shingles) with a planted overlap, plus real pairs from
 * neardup-gsm8k (cluster members, canonical shingles) when that folder is present. One JSON line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Shingler, canonicalShingles, createSigner } from '../../operators/dedup/minhash/index.ts';
import { fmix32 } from '../../operators/dedup/minhash/mix.ts';
import { GSM8K, report } from './common.ts';

const loadBefore = loadavg();
const k = 128;
const seeds = [1, 2, 3];
type Pair = { a: Int32Array; b: Int32Array; j: number };

function plantedPairs(): Pair[] {
  const out: Pair[] = [];
  let base = 17;
  for (const size of [3, 10, 30, 100, 300, 1000]) {
    for (let t = 0; t < 400; t++) {
      const target = 0.3 + 0.6 * ((t * 0.618034) % 1);
      const inter = Math.round((2 * size * target) / (1 + target));
      const j = inter / (2 * size - inter);
      if (j < 0.3 || j > 0.9) continue;
      const a = Int32Array.from({ length: size }, (_, i) => fmix32(base + i));
      const b = Int32Array.from({ length: size }, (_, i) => (i < inter ? a[i]! : fmix32(base + 1_000_000 + i)));
      base += 2_000_003;
      out.push({ a, b, j });
    }
  }
  return out;
}

function gsm8kPairs(): Pair[] {
  const file = `${GSM8K}/corpus.jsonl`;
  if (!existsSync(file)) return [];
  const byCluster = new Map<string, string[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { text: string; cluster: string | number };
    const list = byCluster.get(String(r.cluster)) ?? [];
    list.push(r.text);
    byCluster.set(String(r.cluster), list);
  }
  const sh = new Shingler(3, 1);
  const hashes = (t: string): Int32Array => {
    const n = sh.shingle(t);
    return Int32Array.from(new Set(sh.hashes.subarray(0, n)));
  };
  const out: Pair[] = [];
  for (const texts of byCluster.values()) {
    for (let x = 0; x < texts.length; x++) {
      for (let y = x + 1; y < texts.length; y++) {
        const sa = canonicalShingles(texts[x]!, 3);
        const sb = canonicalShingles(texts[y]!, 3);
        let inter = 0;
        for (const s of sa) if (sb.has(s)) inter++;
        const j = inter / (sa.size + sb.size - inter);
        if (j >= 0.3 && j <= 0.9) out.push({ a: hashes(texts[x]!), b: hashes(texts[y]!), j });
      }
    }
  }
  return out;
}

function rmse(pairs: Pair[], mode: 'classic' | 'fast'): number {
  let se = 0;
  const sa = new Int32Array(k);
  const sb = new Int32Array(k);
  for (const seed of seeds) {
    const signer = createSigner(mode, k, seed);
    for (const p of pairs) {
      signer.sign(p.a, p.a.length, sa);
      signer.sign(p.b, p.b.length, sb);
      let same = 0;
      for (let i = 0; i < k; i++) if (sa[i] === sb[i]) same++;
      se += (same / k - p.j) ** 2;
    }
  }
  return Math.sqrt(se / (pairs.length * seeds.length));
}

const result: Record<string, unknown> = {};
for (const [name, pairs] of [['planted', plantedPairs()], ['gsm8k', gsm8kPairs()]] as const) {
  if (pairs.length === 0) continue;
  const classic = rmse(pairs, 'classic');
  const fast = rmse(pairs, 'fast');
  const theory = Math.sqrt(pairs.reduce((s, p) => s + (p.j * (1 - p.j)) / k, 0) / pairs.length);
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  result[name] = { pairs: pairs.length, rmse_classic: r4(classic), rmse_fast: r4(fast), rmse_independent_perms_theory: r4(theory), fast_over_classic: r4(fast / classic) };
}
report('dedup.rmse', { permutations: k, seeds, jaccard_range: [0.3, 0.9], target_fast_over_classic_at_most: 1.15, ...result }, loadBefore);
