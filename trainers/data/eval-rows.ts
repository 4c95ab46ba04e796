/**
 * The evaluation rows: the first `limit` rows of the eval split (eval-split.ts) in manifest and file order,
 * over the shards up to a snapshot seq. Deterministic for a given snapshot, and stable as the corpus grows:
 * once `limit` eval rows exist, later shards never change the set.
 */
import { readManifest } from '../../corpus/manifest.ts';
import { DEFAULT_EVAL_PERMILLE, isEvalId } from './eval-split.ts';
import { ShardReader, type TrainRow } from './reader.ts';
import { shardPath, shardsInRange, verifyShard } from './shards.ts';

export interface EvalRowsOptions {
  /** Thousandths of ids held out; use the stream's cursor.evalPermille. Default 10. */
  permille?: number;
  /** At most this many rows (default: all). */
  limit?: number;
}

const WINDOW = 16_384;

/** Eval rows of the example shards with seq <= `snapshot` (e.g. a cursor's coveredTo), hash-checked. */
export async function evalRows(dataDir: string, snapshot: number, options: EvalRowsOptions = {}): Promise<TrainRow[]> {
  const permille = options.permille ?? DEFAULT_EVAL_PERMILLE;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const out: TrainRow[] = [];
  if (limit <= 0) return out;
  const shards = shardsInRange(await readManifest(dataDir), 0, snapshot);
  const reader = await ShardReader.open();
  try {
    for (const shard of shards) {
      await verifyShard(dataDir, shard);
      for (let from = 0; from < shard.rows; from += WINDOW) {
        for (const row of await reader.readRows(shardPath(dataDir, shard), from, Math.min(shard.rows, from + WINDOW))) {
          if (!isEvalId(row.id, permille)) continue;
          out.push(row);
          if (out.length >= limit) return out;
        }
      }
    }
    return out;
  } finally {
    reader.close();
  }
}
