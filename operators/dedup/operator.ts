/**
 * dedup: keep-first over arrival order. Kept instructions go on to the response stage; duplicates
 * become Dropped records (counted, persisted, never lost): `exact_duplicate` (same id), `near_duplicate`
 * (the MinHash index found an earlier kept instruction at Jaccard ≥ threshold; `duplicate_of` is its
 * id) or `already_committed` (a replayed task's own instruction). State: the index of kept instructions and
 * the task each came from, restored at start from what the corpus has committed — so an instruction
 * of a task replayed after a crash is recognised as already committed, not as a new duplicate.
 */
import { contentId } from '../../common/hash.ts';
import { Topics } from '../../streams/topics.ts';
import type { Dropped, Instruction } from '../../schemas/types.ts';
import type { Operator, OperatorOutput } from '../../streams/operator.ts';
import { ExactIndex, type DedupIndex } from './index-exact.ts';

export interface DedupState {
  index: DedupIndex;
  /** Task number of each kept instruction id. */
  keptBy: Map<string, number>;
}

export interface CommittedInstruction {
  id: string;
  instruction: string;
  taskNumber: number;
}

export const DEDUP_ID = 'dedup';

/**
 * Rebuilds the state from the committed instructions in commit order. `indexCovers`: how many of the
 * first distinct committed instructions `index` already holds (restored from a snapshot); only the
 * ones after them are replayed into it.
 */
export function restoreDedupState(committed: Iterable<CommittedInstruction>, index: DedupIndex = new ExactIndex(), indexCovers = 0): DedupState {
  const keptBy = new Map<string, number>();
  for (const c of committed) {
    if (keptBy.has(c.id)) continue;
    if (keptBy.size >= indexCovers) index.insert(c.id, c.instruction);
    keptBy.set(c.id, c.taskNumber);
  }
  return { index, keptBy };
}

export function createDedupOperator(state: DedupState, now: () => number = Date.now): Operator<typeof Topics.instructionsRaw> {
  async function process(rec: Instruction): Promise<OperatorOutput> {
    const earlier = state.index.find(rec.id, rec.instruction);
    if (earlier === undefined) {
      state.index.insert(rec.id, rec.instruction);
      state.keptBy.set(rec.id, rec.task_number);
      return { emit: [{ topic: Topics.instructionsUnique, key: rec.id, record: rec }], dead: [] };
    }
    const replay = earlier === rec.id && state.keptBy.get(rec.id) === rec.task_number;
    const dropped: Dropped = {
      id: contentId('drop', rec.id, String(rec.task_number)),
      duplicate_of: earlier,
      reason: replay ? 'already_committed' : earlier === rec.id ? 'exact_duplicate' : 'near_duplicate',
      instruction: rec.instruction,
      instruction_source: rec.instruction_source,
      task_number: rec.task_number,
      task_outputs: rec.task_outputs,
      created_at: now(),
    };
    return { emit: [{ topic: Topics.dropped, key: dropped.id, record: dropped }], dead: [] };
  }

  return {
    descriptor: {
      id: DEDUP_ID,
      input: Topics.instructionsRaw,
      outputs: [Topics.instructionsUnique, Topics.dropped],
      state: 'ordered',
      stateDescription: `kept instructions (${'name' in state.index ? String(state.index.name) : 'exact ids'}) and the task of each`,
    },
    process,
  };
}
