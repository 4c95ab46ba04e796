/**
 * The dedup state as bytes with the input positions it covers, and back, without I/O: the MinHash
 * index's own snapshot (minhash/snapshot.ts) whose `covers` holds the positions and the task number of
 * each kept instruction (in keep order, beside the index's ids). A restart restores it and replays its
 * input from those positions up to what its group committed, with the outputs discarded
 * (streams/checkpoint.ts), and then holds what an uninterrupted dedup would hold.
 *
 * The exact index has no snapshot: `encodeDedupCheckpoint` returns undefined for it and the caller falls
 * back to restoring from the corpus.
 */
import type { DedupConfig } from '../../common/config.ts';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { TopicPosition } from '../../streams/transport.ts';
import { MinHashIndex, minhashName, minhashOptions, resolveMinHashConfig } from './minhash/index.ts';
import type { DedupState } from './operator.ts';

export interface DedupCheckpoint {
  state: DedupState;
  /** Input positions (next offset to read) the state reflects, one per partition it has read. */
  positions: TopicPosition[];
}

interface Covers {
  positions: TopicPosition[];
  tasks: number[];
}

/** The state and `positions` as bytes; undefined when the index has no snapshot (exact mode). */
export function encodeDedupCheckpoint(state: DedupState, positions: readonly TopicPosition[]): Uint8Array | undefined {
  if (!(state.index instanceof MinHashIndex)) return undefined;
  const tasks = state.index.keptIds.map((id) => state.keptBy.get(id) ?? -1);
  const covers: Covers = { positions: positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })), tasks };
  return state.index.snapshot({ ...covers });
}

/** The name of the MinHash index `config` makes (`3ng_128perm_32b4r_t0.7`), undefined in exact mode. */
export function dedupIndexName(config: DedupConfig): string | undefined {
  if (config.mode !== 'minhash') return undefined;
  return minhashName(resolveMinHashConfig(minhashOptions(config)));
}

/**
 * State and positions from `encodeDedupCheckpoint` bytes. Throws DEDUP_SNAPSHOT_INVALID / _VERSION for bytes
 * it cannot read and DEDUP_SNAPSHOT_MISMATCH for a snapshot of another index configuration (its decisions
 * would not be this config's).
 */
export function decodeDedupCheckpoint(bytes: Uint8Array, config: DedupConfig): DedupCheckpoint {
  const { index, covers } = MinHashIndex.restore(bytes);
  const wanted = dedupIndexName(config);
  if (wanted !== index.name) {
    throw new LaminiError(ErrorCodes.DEDUP_SNAPSHOT_MISMATCH,
      `dedup snapshot is of index ${index.name}, the config makes ${wanted ?? 'the exact index'}`);
  }
  const { positions, tasks } = covers as Partial<Covers>;
  const ids = index.keptIds;
  const validPosition = (p: TopicPosition): boolean =>
    typeof p?.topic === 'string' && Number.isInteger(p.partition) && Number.isInteger(p.offset) && p.offset >= 0;
  if (!Array.isArray(positions) || !positions.every(validPosition) || !Array.isArray(tasks) || tasks.length !== ids.length) {
    throw new LaminiError(ErrorCodes.DEDUP_SNAPSHOT_INVALID, 'dedup snapshot is not valid: its positions or tasks do not agree with the index');
  }
  const keptBy = new Map(ids.map((id, i) => [id, tasks[i]!] as const));
  return { state: { index, keptBy }, positions };
}
