/** The corpus as a run sees it: progress from the manifest, committed ids, and commits from the sink. */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { corpusDir, type Corpus, type Manifest } from '../corpus/index.ts';
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
        positions: m.progress.positions,
      };
    },
    committedExampleIds: () => corpus.committedExampleIds(),
    committedInstructions: () => committedInstructions(corpus.dataDir, corpus.manifest()),
    openTaskRecords: () => openTaskRecords(corpus.dataDir, corpus.manifest()),
    async commit(batch, positions, runSeed) {
      await corpus.commit({
        examples: batch.examples, dropped: batch.dropped, deadLetters: batch.deadLetters,
        doneTasks: batch.doneTasks, positions, runSeed,
      });
    },
  };
}

/**
 * Kept instructions of committed examples, in commit order, with the task that made each. Reads the
 * shards `manifest` names without the corpus lock (an operator process beside the sink uses it too).
 */
export async function committedInstructions(dataDir: string, manifest: Manifest): Promise<CommittedInstruction[]> {
  const root = corpusDir(dataDir);
  const files = manifest.tables.examples.shards.map((s) => join(root, s.file));
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

/**
 * Terminal records (examples, drops, dead letters) already committed for each task above the watermark
 * that is not done: a sink resuming on a durable log counts them toward their tasks again.
 */
export async function openTaskRecords(dataDir: string, manifest: Manifest): Promise<Map<number, number>> {
  const root = corpusDir(dataDir);
  const done = new Set(manifest.progress.done_tasks_above);
  const parts: string[] = [];
  for (const table of ['examples', 'dropped', 'dead_letters'] as const) {
    const files = manifest.tables[table].shards.map((s) => `'${join(root, s.file).replaceAll("'", "''")}'`);
    if (files.length > 0) parts.push(`SELECT task_number FROM read_parquet([${files.join(', ')}])`);
  }
  const out = new Map<number, number>();
  if (parts.length === 0) return out;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT task_number, count(*) AS n FROM (${parts.join(' UNION ALL ')}) WHERE task_number > ${manifest.progress.task_watermark} GROUP BY 1`,
    );
    for (const r of reader.getRowObjects()) {
      const k = Number(r.task_number);
      if (!done.has(k)) out.set(k, Number(r.n));
    }
    return out;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
