/**
 * Checks a stream makes before it serves anything, so a trainer fails at start, not hours in: the corpus
 * has example rows (TRAIN_CORPUS_EMPTY), and at least `minTrainRows` of them are outside the evaluation
 * split (TRAIN_CORPUS_TOO_SMALL, with the counts). The count reads ids only, and stops as soon as it has
 * enough, so a large corpus costs about one shard's ids.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { ShardEntry } from '../../corpus/manifest.ts';
import { isEvalId } from './eval-split.ts';
import type { ShardReader } from './reader.ts';
import { shardPath, totalRows, verifyShard } from './shards.ts';

const ID_WINDOW = 65_536;

export function assertNotEmpty(dataDir: string, shards: readonly ShardEntry[]): void {
  if (totalRows(shards) > 0) return;
  throw new LaminiError(ErrorCodes.TRAIN_CORPUS_EMPTY, `the corpus in ${dataDir} has no example rows to train on yet (${shards.length} example shards); grow it first with "lamini run"`, {
    details: { dataDir, shards: shards.length },
  });
}

/** Throws TRAIN_CORPUS_TOO_SMALL unless the shards hold at least `minTrainRows` training (non-eval) rows. */
export async function assertEnoughTrainRows(
  dataDir: string,
  reader: ShardReader,
  shards: readonly ShardEntry[],
  evalPermille: number,
  minTrainRows: number,
): Promise<void> {
  if (minTrainRows <= 0) return;
  const rows = totalRows(shards);
  let train = 0;
  let held = 0;
  for (const shard of shards) {
    if (train >= minTrainRows) break;
    await verifyShard(dataDir, shard);
    for (let from = 0; from < shard.rows && train < minTrainRows; from += ID_WINDOW) {
      const ids = await reader.readIds(shardPath(dataDir, shard), from, Math.min(shard.rows, from + ID_WINDOW));
      for (const id of ids) {
        if (isEvalId(id, evalPermille)) held += 1;
        else train += 1;
      }
    }
  }
  if (train >= minTrainRows) return;
  throw new LaminiError(
    ErrorCodes.TRAIN_CORPUS_TOO_SMALL,
    `the corpus has ${rows} example rows, ${train} for training and ${held} held out for evaluation ` +
      `(evalPermille ${evalPermille}); training needs at least ${minTrainRows}`,
    { details: { dataDir, rows, trainRows: train, evalRows: held, minTrainRows, evalPermille } },
  );
}
