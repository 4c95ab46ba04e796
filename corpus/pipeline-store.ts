/** The corpus as a run sees it: progress from the manifest, committed ids, and commits from the sink. */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { corpusDir, type Corpus, type Manifest } from './index.ts';
import { literal } from './schema.ts';
import type { CommittedInstruction } from '../operators/dedup/operator.ts';
import { tallyKey } from '../operators/sink/sink.ts';
import type { DeadLetter } from '../schemas/types.ts';
import type { SinkBatch } from '../operators/sink/sink.ts';
import type { TopicPosition } from '../streams/transport.ts';

export interface StoreProgress {
  runSeed: number | undefined;
  taskWatermark: number;
  doneTasksAbove: number[];
  examples: number;
  /** Input positions the committed shards cover (the sink's consumer starts there on a durable log). */
  positions?: TopicPosition[];
}

/** What a run needs from the corpus. */
export interface PipelineStore {
  progress(): StoreProgress;
  committedExampleIds(): Promise<Set<string>>;
  committedInstructions(): Promise<CommittedInstruction[]>;
  /** Committed terminal records of each open task above the watermark (a sink resuming on a durable log). */
  openTaskRecords?(): Promise<Map<number, string[]>>;
  commit(batch: SinkBatch, positions: TopicPosition[], runSeed: number): Promise<void>;
}

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
        examples: batch.examples, dropped: batch.dropped, deadLetters: batch.deadLetters, teacherRequests: batch.teacherRequests,
        doneTasks: batch.doneTasks, positions, runSeed,
      });
    },
  };
}

/** The quoted paths of a table's committed shards, for `read_parquet([...])`. */
function shardList(dataDir: string, manifest: Manifest, table: 'examples' | 'dropped' | 'dead_letters' | 'teacher_requests'): string[] {
  const root = corpusDir(dataDir);
  return (manifest.tables[table]?.shards ?? []).map((s) => literal(join(root, s.file)));
}

/** Runs one read over committed shards in a throwaway in-memory DuckDB (no corpus lock needed). */
async function queryShards(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjects();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Kept instructions of committed examples, in commit order, with the task that made each. Reads the
 * shards `manifest` names without the corpus lock (an operator process beside the sink uses it too).
 */
export async function committedInstructions(dataDir: string, manifest: Manifest): Promise<CommittedInstruction[]> {
  const files = shardList(dataDir, manifest, 'examples');
  if (files.length === 0) return [];
  const rows = await queryShards(
    `SELECT instruction_id, instruction, task_number FROM read_parquet([${files.join(', ')}], filename = true) ORDER BY filename, task_number`,
  );
  return rows.map((r) => ({ id: String(r.instruction_id), instruction: String(r.instruction), taskNumber: Number(r.task_number) }));
}

/**
 * The dead letters the shards `manifest` names, in commit order, as DeadLetter records (`lamini dlq` on
 * the embedded transport reads them here). The corpus does not keep `task_outputs` (a letter's task is
 * counted done when it is committed): it reads as 0. No lock needed, like every read of committed shards.
 */
export async function committedDeadLetters(dataDir: string, manifest: Manifest): Promise<DeadLetter[]> {
  const files = shardList(dataDir, manifest, 'dead_letters');
  if (files.length === 0) return [];
  const rows = await queryShards(
    'SELECT id, operator, reason, message, source_topic, source_partition, source_offset, to_base64(payload) AS payload, ' +
    `task_number, epoch_ms(created_at) AS created_at FROM read_parquet([${files.join(', ')}], filename = true) ORDER BY filename, source_offset`,
  );
  return rows.map((r) => ({
    id: String(r.id), operator: String(r.operator), reason: String(r.reason), message: String(r.message),
    source_topic: String(r.source_topic), source_partition: Number(r.source_partition), source_offset: Number(r.source_offset),
    payload: new Uint8Array(Buffer.from(String(r.payload), 'base64')), task_number: Number(r.task_number), task_outputs: 0,
    created_at: Number(r.created_at),
  }));
}

/**
 * Terminal records (examples, drops, dead letters) already committed for each task above the watermark
 * that is not done: a sink resuming on a durable log counts them toward their tasks again.
 */
export async function openTaskRecords(dataDir: string, manifest: Manifest): Promise<Map<number, string[]>> {
  const done = new Set(manifest.progress.done_tasks_above);
  const parts: string[] = [];
  const kinds = { examples: 'example', dropped: 'dropped', dead_letters: 'dead_letter' } as const;
  for (const [table, kind] of Object.entries(kinds)) {
    const files = shardList(dataDir, manifest, table as keyof typeof kinds);
    if (files.length > 0) parts.push(`SELECT task_number, '${kind}' AS kind, id FROM read_parquet([${files.join(', ')}])`);
  }
  const out = new Map<number, string[]>();
  if (parts.length === 0) return out;
  const rows = await queryShards(
    `SELECT task_number, kind, id FROM (${parts.join(' UNION ALL ')}) WHERE task_number > ${manifest.progress.task_watermark}`,
  );
  for (const r of rows) {
    const k = Number(r.task_number);
    if (done.has(k)) continue;
    const list = out.get(k) ?? [];
    list.push(tallyKey(r.kind as Parameters<typeof tallyKey>[0], String(r.id)));
    out.set(k, list);
  }
  return out;
}
