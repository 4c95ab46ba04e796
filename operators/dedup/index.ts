/**
 * The dedup operator and its indexes. `createDedupIndex` picks the index from the `dedup` config:
 * MinHash LSH near-duplicate filtering (default) or exact ids only.
 */
import type { DedupConfig } from '../../common/config.ts';
import { ExactIndex, type DedupIndex } from './index-exact.ts';
import { MinHashIndex, minhashOptions } from './minhash/index.ts';

export { ExactIndex, type DedupIndex } from './index-exact.ts';
export { MinHashIndex, type NearMatch } from './minhash/index.ts';
export { decodeDedupCheckpoint, encodeDedupCheckpoint, type DedupCheckpoint } from './checkpoint.ts';
export { createDedupOperator, restoreDedupState, DEDUP_ID, type CommittedInstruction, type DedupState } from './operator.ts';

export function createDedupIndex(config: DedupConfig): DedupIndex {
  if (config.mode === 'exact') return new ExactIndex();
  return new MinHashIndex(minhashOptions(config));
}
