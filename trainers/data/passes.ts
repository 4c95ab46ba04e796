/**
 * Which pass follows which: a pure function of the stream's settings, the pass just finished, the highest
 * shard seq covered so far and the highest seq the manifest names now.
 *
 *   without follow   epoch 0..E-1, each over (0, S0]           S0: the last seq when the stream started
 *   with follow      new shards first:  (coveredTo, latest] in the same epoch, coveredTo := latest
 *                    then the next epoch over (0, coveredTo]
 *                    after the last epoch: wait for new shards
 *
 * Each boundary is decided when a pass is done and recorded in the cursor, so a resumed run goes on from
 * the same pass; what comes after it depends only on what the manifest names by then.
 */
import type { StreamConfig } from './cursor.ts';

export interface Pass {
  epoch: number;
  /** The pass covers shards with fromSeq < seq <= toSeq. */
  fromSeq: number;
  toSeq: number;
}

export type NextPass =
  | { kind: 'pass'; pass: Pass; coveredTo: number }
  /** Follow mode with every epoch done and nothing new: poll the manifest again later. */
  | { kind: 'wait' }
  /** No follow and every epoch done. */
  | { kind: 'end' };

/** What comes after `current`, given the highest seq covered so far and the highest the manifest names. */
export function nextPass(config: Pick<StreamConfig, 'epochs' | 'follow'>, current: Pass, coveredTo: number, latest: number): NextPass {
  if (config.follow && latest > coveredTo) {
    return { kind: 'pass', pass: { epoch: current.epoch, fromSeq: coveredTo, toSeq: latest }, coveredTo: latest };
  }
  if (current.epoch + 1 < config.epochs) {
    return { kind: 'pass', pass: { epoch: current.epoch + 1, fromSeq: 0, toSeq: coveredTo }, coveredTo };
  }
  return config.follow ? { kind: 'wait' } : { kind: 'end' };
}
