/**
 * The dedup operator and its indexes. `createDedupIndex` picks the index from the `dedup` config:
 * MinHash LSH near-duplicate filtering (default) or exact ids only.
 */
import type { DedupConfig } from '../../common/config.ts';
import { ExactIndex, type DedupIndex } from './index-exact.ts';
import { MinHashIndex } from './minhash/index.ts';

export { ExactIndex, type DedupIndex } from './index-exact.ts';
export { MinHashIndex, type NearMatch } from './minhash/index.ts';
export { createDedupOperator, restoreDedupState, DEDUP_ID, type CommittedInstruction, type DedupState } from './operator.ts';

export function createDedupIndex(config: DedupConfig): DedupIndex {
  if (config.mode === 'exact') return new ExactIndex();
  return new MinHashIndex({
    threshold: config.threshold, numPerm: config.permutations, bands: config.bands, rows: config.rows,
    ngram: config.ngram, seed: config.seed, signature: config.signature,
  });
}
