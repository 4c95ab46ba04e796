/**
 * Dedup's state on a durable log (Kafka), kept across restarts: a snapshot of the index with the input
 * positions it covers, in its own file `<dataDir>/dedup/<input topic>.snapshot`, replaced atomically after
 * a commit every `dedup.snapshotEveryRecords` records or `dedup.snapshotEveryMs`, and on a clean stop.
 * On start the snapshot is loaded and the runner replays the input from its positions up to the group's
 * committed ones without forwarding anything (streams/checkpoint.ts), so instructions forwarded but not
 * yet in the corpus are remembered. With no usable snapshot (first start, exact mode, another index
 * config) the state is rebuilt from the corpus's committed instructions, as in embedded mode.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../common/config.ts';
import { LaminiError, describeError } from '../common/errors.ts';
import { readManifest } from '../corpus/index.ts';
import { writeFileAtomic } from '../corpus/fsutil.ts';
import { decodeDedupCheckpoint, encodeDedupCheckpoint, type DedupCheckpoint } from '../operators/dedup/checkpoint.ts';
import { createDedupIndex } from '../operators/dedup/index.ts';
import { createDedupOperator, restoreDedupState, type DedupState } from '../operators/dedup/operator.ts';
import type { OperatorCheckpoint } from '../streams/checkpoint.ts';
import { committedInstructions } from '../corpus/pipeline-store.ts';

export interface CheckpointedDedup {
  operator: ReturnType<typeof createDedupOperator>;
  checkpoint: OperatorCheckpoint;
}

export function dedupSnapshotPath(dataDir: string, inputTopic: string): string {
  return join(dataDir, 'dedup', `${inputTopic}.snapshot`);
}

/** The dedup operator with its state restored (snapshot, else corpus) and the checkpoint that saves it. */
export async function openCheckpointedDedup(o: {
  config: Config; inputTopic: string; now: () => number; log: (line: string) => void;
}): Promise<CheckpointedDedup> {
  const path = dedupSnapshotPath(o.config.dataDir, o.inputTopic);
  const restored = await loadSnapshot(path, o);
  let state: DedupState;
  if (restored !== undefined) {
    state = restored.state;
    o.log(`restored ${state.keptBy.size} kept instructions from ${path}; replaying ${o.inputTopic} from its positions`);
  } else {
    const committed = await committedInstructions(o.config.dataDir, await readManifest(o.config.dataDir));
    state = restoreDedupState(committed, createDedupIndex(o.config.dedup));
    o.log(`restored ${state.keptBy.size} kept instructions from the corpus`);
  }
  const { snapshotEveryRecords, snapshotEveryMs } = o.config.dedup;
  let since = 0;
  let savedAt = o.now();
  let warned = false;
  const checkpoint: OperatorCheckpoint = {
    covers: restored?.positions,
    async save(positions, progress) {
      since += progress.records;
      if (!progress.force && since < snapshotEveryRecords && o.now() - savedAt < snapshotEveryMs) return;
      const bytes = encodeDedupCheckpoint(state, positions);
      if (bytes === undefined) {
        if (!warned) o.log('the exact index keeps no snapshot; a restart restores it from the corpus');
        warned = true;
        return;
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, bytes);
      since = 0;
      savedAt = o.now();
    },
    replayed(records, complete) {
      o.log(complete
        ? `replayed ${records} records up to the group's committed positions (not forwarded again)`
        : `replay stopped after ${records} records before the committed positions (records deleted?); no snapshot until the next restart`);
    },
  };
  return { operator: createDedupOperator(state, o.now), checkpoint };
}

/** The snapshot at `path`, or undefined (none, unreadable, another config or topic: said in one line). */
async function loadSnapshot(path: string, o: { config: Config; inputTopic: string; log: (line: string) => void }): Promise<DedupCheckpoint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const snapshot = decodeDedupCheckpoint(bytes, o.config.dedup);
    if (snapshot.positions.some((p) => p.topic !== o.inputTopic)) {
      o.log(`snapshot ${path} covers another topic; restoring from the corpus`);
      return undefined;
    }
    return snapshot;
  } catch (error) {
    if (!(error instanceof LaminiError)) throw error;
    o.log(`snapshot ${path} not used (${describeError(error)}); restoring from the corpus`);
    return undefined;
  }
}
