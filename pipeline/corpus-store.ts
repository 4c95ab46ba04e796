/** The corpus as a run sees it: progress from the manifest, committed ids, and commits from the sink. */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { corpusDir, type Corpus } from '../corpus/index.ts';
import type { CommittedInstruction } from '../operators/dedup/operator.ts';
import type { PipelineStore, StoreProgress } from './run.ts';

export function corpusStore(corpus: Corpus): PipelineStore {
  return {
    progress(): StoreProgress {
      const m = corpus.manifest();
      return {
        runSeed: m.progress.run_seed ?? undefined,
        taskWatermark: m.progress.task_watermark,
        doneTasksAbove: m.progress.done_tasks_above,
        examples: m.totals.examples,
      };
    },
    committedExampleIds: () => corpus.committedExampleIds(),
    committedInstructions: () => committedInstructions(corpus),
    async commit(batch, positions, runSeed) {
      await corpus.commit({
        examples: batch.examples, dropped: batch.dropped, deadLetters: batch.deadLetters,
        doneTasks: batch.doneTasks, positions, runSeed,
      });
    },
  };
}

/** Kept instructions of committed examples, in commit order, with the task that made each. */
async function committedInstructions(corpus: Corpus): Promise<CommittedInstruction[]> {
  const root = corpusDir(corpus.dataDir);
  const files = corpus.manifest().tables.examples.shards.map((s) => join(root, s.file));
  if (files.length === 0) return [];
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
    const reader = await conn.runAndReadAll(
      `SELECT instruction_id, instruction, task_number FROM read_parquet([${list}], filename = true) ORDER BY filename, task_number`,
    );
    return reader.getRowObjects().map((r) => ({
      id: String(r.instruction_id), instruction: String(r.instruction), taskNumber: Number(r.task_number),
    }));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
