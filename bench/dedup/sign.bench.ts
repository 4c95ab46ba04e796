/**
 * Signatures per second on one core, 128 permutations, synthetic texts of about 100 tokens:
 * `text_to_signature` (normalise, tokenise, shingle, sign) and `sign_only` (from shingle hashes), for the
 * classic and the fast mode, interleaved round by round; the npm `minhash` package on the same texts
 * (its update() per canonical shingle string) as the reference. Medians over --rounds, per wall-clock second
 * (`median`) and per second of the process's CPU time (`median_per_cpu_second`). One JSON line.
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { Shingler, canonicalShingles, createSigner } from '../../operators/dedup/minhash/index.ts';
import { syntheticTexts } from './corpus.ts';
import { arg, median, report } from './common.ts';

const loadBefore = loadavg();
const rounds = Number(arg('rounds', '9'));
const count = Number(arg('texts', '5000'));
const numPerm = 128;
const texts = [...syntheticTexts({ records: count, duplicateShare: 0, seed: 3 })].map((r) => r.text);
const shingler = new Shingler(3, 1);
// shingle() may replace `hashes` (a longer text), so it is called before `hashes` is read.
const hashed = texts.map((t) => {
  const n = shingler.shingle(t);
  return shingler.hashes.slice(0, n);
});
const tokens = texts.reduce((n, t) => n + t.split(' ').length, 0) / texts.length;
const sig = new Int32Array(numPerm);
const signers = { classic: createSigner('classic', numPerm, 1), fast: createSigner('fast', numPerm, 1) };

const require = createRequire(import.meta.url);
const { Minhash } = require('minhash') as { Minhash: new (o?: { numPerm?: number }) => { update(s: string): void } };
const npmTexts = texts.slice(0, 500).map((t) => [...canonicalShingles(t, 3)]);

const rates: Record<string, number[]> = {
  classic_text_to_signature: [], fast_text_to_signature: [], classic_sign_only: [], fast_sign_only: [], minhash_npm_text_to_signature: [],
};
// Per CPU second as well as per wall-clock second: on a shared machine the process is descheduled
// for part of the wall-clock time; its own CPU time is not (caches and the core's other hyperthread
// are still shared, so a loaded machine still reads low).
const cpuRates: Record<string, number[]> = {};
let lastCpu = 0;
const time = (n: number, f: () => void): number => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  lastCpu = n / ((c.user + c.system) / 1e6);
  return n / (wall / 1000);
};
const keepRate = (key: string, wall: number, cpu: number): void => {
  rates[key]!.push(wall);
  (cpuRates[key] ??= []).push(cpu);
};
for (let r = 0; r < rounds + 1; r++) {
  const keep = r > 0; // round 0 warms the JIT
  for (const mode of ['classic', 'fast'] as const) {
    const s = signers[mode];
    const a = time(texts.length, () => {
      for (const t of texts) {
        const n = shingler.shingle(t);
        s.sign(shingler.hashes, n, sig);
      }
    });
    const aCpu = lastCpu;
    const b = time(hashed.length, () => {
      for (const h of hashed) s.sign(h, h.length, sig);
    });
    if (keep) {
      keepRate(`${mode}_text_to_signature`, a, aCpu);
      keepRate(`${mode}_sign_only`, b, lastCpu);
    }
  }
  const c = time(npmTexts.length, () => {
    for (const sh of npmTexts) {
      const m = new Minhash({ numPerm });
      for (const s of sh) m.update(s);
    }
  });
  if (keep) keepRate('minhash_npm_text_to_signature', c, lastCpu);
}
const medians = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Math.round(median(v))]));
const cpuMedians = Object.fromEntries(Object.entries(cpuRates).map(([k, v]) => [k, Math.round(median(v))]));
report('dedup.signatures_per_second', {
  permutations: numPerm, texts: count, mean_tokens: Math.round(tokens * 10) / 10, rounds, one_core: true,
  targets: { classic: 40_000, fast: 120_000 }, median: medians, median_per_cpu_second: cpuMedians,
}, loadBefore);
