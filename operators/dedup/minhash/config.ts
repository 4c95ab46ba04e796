/**
 * The MinHash filter's parameters, resolved and validated once. A config prints as its name, e.g.
 * `3ng_128perm_32b4r_t0.7` (datatrove style): n-gram size, permutations, bands × rows, threshold; the
 * signature mode (`_classic`) and the seed (`_s2`) are printed only when they are not the defaults.
 * Fast signatures are the default: lower RMSE than classic MinHash and faster (docs/decisions/0003).
 */
import type { DedupConfig } from '../../../common/config.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { SignatureMode } from './sign.ts';

export interface MinHashOptions {
  /** Jaccard at or above which a record duplicates an earlier kept one. */
  threshold: number;
  numPerm: number;
  /** 0: chosen from the threshold (with `rows`). */
  bands: number;
  rows: number;
  ngram: number;
  seed: number;
  signature: SignatureMode;
}

export type MinHashConfig = Readonly<MinHashOptions>;

export const MINHASH_DEFAULTS: MinHashConfig = {
  threshold: 0.7, numPerm: 128, bands: 0, rows: 0, ngram: 3, seed: 1, signature: 'fast',
};

/** Probability that a pair of true Jaccard `j` shares at least one band. */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - (1 - j ** rows) ** bands;
}

/**
 * The most rows per band (fewest chance candidates) that still makes a pair exactly at the threshold a
 * candidate with probability ≥ 1 − `maxMiss`, using as many bands as the permutations allow. Candidates
 * are checked exactly, so a false candidate costs one merge while a miss costs recall.
 */
export function chooseBands(threshold: number, numPerm: number, maxMiss = 1e-3): { bands: number; rows: number } {
  let best = { bands: numPerm, rows: 1 };
  for (let rows = 1; rows <= numPerm; rows++) {
    const bands = Math.floor(numPerm / rows);
    if (1 - candidateProbability(threshold, bands, rows) <= maxMiss) best = { bands, rows };
    else break;
  }
  return best;
}

export function resolveMinHashConfig(options: Partial<MinHashOptions> = {}): MinHashConfig {
  const o = { ...MINHASH_DEFAULTS, ...options };
  const issues: string[] = [];
  if (!(o.threshold > 0 && o.threshold <= 1)) issues.push(`threshold must be in (0, 1], got ${o.threshold}`);
  if (!Number.isInteger(o.numPerm) || o.numPerm < 1 || o.numPerm > 1024) issues.push(`permutations must be an integer in 1..1024, got ${o.numPerm}`);
  if (o.signature === 'fast' && o.numPerm > 256) issues.push('fast signatures support at most 256 permutations');
  if (!Number.isInteger(o.ngram) || o.ngram < 1) issues.push(`ngram must be an integer ≥ 1, got ${o.ngram}`);
  if (!Number.isInteger(o.seed)) issues.push(`seed must be an integer, got ${o.seed}`);
  if (o.signature !== 'classic' && o.signature !== 'fast') issues.push(`signature must be classic or fast, got ${String(o.signature)}`);
  if ((o.bands === 0) !== (o.rows === 0)) issues.push('bands and rows are set together (or both 0 to choose them from the threshold)');
  if (o.bands !== 0 && (!Number.isInteger(o.bands) || !Number.isInteger(o.rows) || o.bands < 1 || o.rows < 1 || o.bands * o.rows > o.numPerm)) {
    issues.push(`bands × rows must be positive integers with bands · rows ≤ permutations, got ${o.bands} × ${o.rows}`);
  }
  if (issues.length > 0) throw new LaminiError(ErrorCodes.CONFIG_INVALID, `invalid dedup settings: ${issues.join('; ')}`, { details: { issues } });
  const banding = o.bands === 0 ? chooseBands(o.threshold, o.numPerm) : { bands: o.bands, rows: o.rows };
  return Object.freeze({ ...o, ...banding });
}

/** The index options of the `dedup` config section. */
export function minhashOptions(config: DedupConfig): MinHashOptions {
  return {
    threshold: config.threshold, numPerm: config.permutations, bands: config.bands, rows: config.rows,
    ngram: config.ngram, seed: config.seed, signature: config.signature,
  };
}

export function minhashName(c: MinHashConfig): string {
  const seed = c.seed === MINHASH_DEFAULTS.seed ? '' : `_s${c.seed}`;
  return `${c.ngram}ng_${c.numPerm}perm_${c.bands}b${c.rows}r_t${c.threshold}${c.signature === MINHASH_DEFAULTS.signature ? '' : `_${c.signature}`}${seed}`;
}
