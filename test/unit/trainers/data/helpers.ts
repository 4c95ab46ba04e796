/** Shared by the trainer data tests: small corpora, draining a stream, and the ids a corpus should yield. */
import { corpusExample, makeCorpus } from '../../../helpers/corpus-fixture.ts';
import { isEvalId } from '../../../../trainers/data/eval-split.ts';
import type { RowStream } from '../../../../trainers/data/row-stream.ts';
import type { TrainRow } from '../../../../trainers/data/reader.ts';

export { tempDataDir } from '../../corpus/fixtures.ts';

/** 60 examples in shards of 13, 13, 13, 13 and 8 rows. */
export const EXAMPLES = 60;
export const PER_SHARD = 13;
/** 10% held out, so a 60-row corpus has a few eval rows. */
export const PERMILLE = 100;

export async function smallCorpus(dataDir: string, examples = EXAMPLES, perShard = PER_SHARD): Promise<void> {
  await makeCorpus(dataDir, { examples, perShard });
}

/** Ids of examples first..last, split by the eval hash. */
export function splitIds(first: number, last: number, permille = PERMILLE): { train: string[]; eval: string[] } {
  const train: string[] = [];
  const held: string[] = [];
  for (let n = first; n <= last; n++) {
    const id = corpusExample(n).id;
    (isEvalId(id, permille) ? held : train).push(id);
  }
  return { train, eval: held };
}

/** take(step) until the stream ends (no follow); the cursor JSON after every take. */
export async function drain(stream: RowStream, step: number | ((call: number) => number)): Promise<{ rows: TrainRow[]; cursors: { at: number; json: string }[] }> {
  const rows: TrainRow[] = [];
  const cursors = [{ at: 0, json: JSON.stringify(stream.cursor()) }];
  for (let call = 0; ; call++) {
    const got = await stream.take(typeof step === 'number' ? step : step(call));
    if (got.length === 0) return { rows, cursors };
    rows.push(...got);
    cursors.push({ at: rows.length, json: JSON.stringify(stream.cursor()) });
  }
}

export const ids = (rows: readonly TrainRow[]): string[] => rows.map((r) => r.id);
