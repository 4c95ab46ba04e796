/**
 * `lamini stats`: what the corpus holds, from one manifest snapshot. Totals and shard counts come from the
 * manifest; breakdowns from DuckDB over the same files. Plain JSON throughout.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GroupLag } from '../streams/kafka/lag.ts';
import { diversityStats, formatDiversity, type DiversityStats } from './diversity.ts';
import { QUERY_TABLES, type TableName } from './schema.ts';
import { openReadOnly } from './views.ts';

export interface TableShards {
  shards: number;
  rows: number;
  bytes: number;
}

export interface CorpusStats {
  manifest_sequence: number;
  updated_at: string;
  run_seed: number | null;
  task_watermark: number;
  done_tasks_above: number;
  examples: {
    total: number;
    by_instruction_source: Record<string, number>;
    by_generation_mode: Record<string, number>;
  };
  dropped: { total: number; by_reason: Record<string, number> };
  dead_letters: { total: number; by_operator: Record<string, number>; by_reason: Record<string, number> };
  tokens: { prompt: number; completion: number };
  cost_usd: number;
  /** Distinct instructions, lengths, MATTR and leading words, per instruction_source beside the paper's Table 1. */
  diversity: DiversityStats;
  /** Summed from the teacher ledger (`teacher_requests`): every call, paid, cached or failed. */
  teacher: TeacherStats;
  shards: Partial<Record<TableName, TableShards>>;
}

export interface TeacherStats {
  requests: number;
  ok: number;
  cache_hits: number;
  failed: number;
  retries: number;
  prompt_tokens: number;
  completion_tokens: number;
  spend_usd: number;
  saved_usd: number;
  by_status: Record<string, number>;
  /** Requests, tokens and spend per model (two teachers: one entry each). */
  by_model: Record<string, ModelSpend>;
}

export interface ModelSpend {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  spend_usd: number;
}

export async function corpusStats(dataDir: string): Promise<CorpusStats> {
  const { conn, manifest, close } = await openReadOnly(dataDir);
  try {
    const shards: Partial<Record<TableName, TableShards>> = {};
    for (const table of QUERY_TABLES) {
      const list = manifest.tables[table]?.shards;
      if (list === undefined) continue;
      shards[table] = {
        shards: list.length,
        rows: list.reduce((n, s) => n + s.rows, 0),
        bytes: list.reduce((n, s) => n + s.bytes, 0),
      };
    }
    const { totals, progress } = manifest;
    return {
      manifest_sequence: manifest.sequence,
      updated_at: manifest.updated_at,
      run_seed: progress.run_seed,
      task_watermark: progress.task_watermark,
      done_tasks_above: progress.done_tasks_above.length,
      examples: {
        total: totals.examples,
        by_instruction_source: await countBy(conn, 'examples', 'instruction_source'),
        by_generation_mode: await countBy(conn, 'examples', 'generation_mode'),
      },
      dropped: { total: totals.dropped, by_reason: await countBy(conn, 'dropped', 'reason') },
      dead_letters: {
        total: totals.dead_letters,
        by_operator: await countBy(conn, 'dead_letters', 'operator'),
        by_reason: await countBy(conn, 'dead_letters', 'reason'),
      },
      tokens: { prompt: totals.prompt_tokens, completion: totals.completion_tokens },
      cost_usd: totals.cost_usd,
      diversity: await diversityStats(conn),
      teacher: await teacherStats(conn),
      shards,
    };
  } finally {
    await close();
  }
}

async function teacherStats(conn: DuckDBConnection): Promise<TeacherStats> {
  const reader = await conn.runAndReadAll(
    `SELECT count(*), count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE cached),
       count(*) FILTER (WHERE status NOT IN ('ok', 'cached')), coalesce(sum(retries), 0),
       coalesce(sum(prompt_tokens) FILTER (WHERE NOT cached), 0), coalesce(sum(completion_tokens) FILTER (WHERE NOT cached), 0),
       coalesce(sum(cost_usd), 0), coalesce(sum(saved_usd), 0)
     FROM teacher_requests`,
  );
  const row = (reader.getRowsJS()[0] ?? []).map((v) => Number(v ?? 0));
  const at = (i: number): number => row[i] ?? 0;
  return {
    requests: at(0), ok: at(1), cache_hits: at(2), failed: at(3), retries: at(4), prompt_tokens: at(5),
    completion_tokens: at(6), spend_usd: at(7), saved_usd: at(8), by_status: await countBy(conn, 'teacher_requests', 'status'),
    by_model: await spendByModel(conn),
  };
}

async function spendByModel(conn: DuckDBConnection): Promise<Record<string, ModelSpend>> {
  const reader = await conn.runAndReadAll(
    `SELECT model, count(*), coalesce(sum(prompt_tokens) FILTER (WHERE NOT cached), 0),
       coalesce(sum(completion_tokens) FILTER (WHERE NOT cached), 0), coalesce(sum(cost_usd), 0)
     FROM teacher_requests GROUP BY 1 ORDER BY 5 DESC, 1`,
  );
  const out: Record<string, ModelSpend> = {};
  for (const [model, requests, prompt, completion, spend] of reader.getRowsJS()) {
    out[String(model)] = { requests: Number(requests), prompt_tokens: Number(prompt), completion_tokens: Number(completion), spend_usd: Number(spend) };
  }
  return out;
}

async function countBy(conn: DuckDBConnection, table: string, column: string): Promise<Record<string, number>> {
  const reader = await conn.runAndReadAll(
    `SELECT "${column}" AS k, count(*) AS n FROM "${table}" GROUP BY 1 ORDER BY n DESC, k`,
  );
  const out: Record<string, number> = {};
  for (const [k, n] of reader.getRowsJS()) out[String(k)] = Number(n);
  return out;
}

/** A few aligned lines for people. */
export function formatStats(stats: CorpusStats): string {
  const lines: string[] = [];
  const seed = stats.run_seed === null ? 'none' : String(stats.run_seed);
  // Before the first commit the manifest's updated_at is the epoch (1970-01-01): say so instead of printing it.
  const updated = stats.manifest_sequence === 0 ? 'nothing committed yet' : `updated ${stats.updated_at}`;
  lines.push(`corpus at manifest sequence ${stats.manifest_sequence} (${updated}), run seed ${seed}`);
  lines.push(`tasks: all <= ${stats.task_watermark} done, ${stats.done_tasks_above} more done above`);
  lines.push(`examples: ${stats.examples.total}`);
  lines.push(...section('by instruction_source', stats.examples.by_instruction_source, stats.examples.total));
  lines.push(...section('by generation_mode', stats.examples.by_generation_mode, stats.examples.total));
  if (stats.examples.total > 0) lines.push(...formatDiversity(stats.diversity));
  lines.push(`drops (dedup, echoes, repeats, filters): ${stats.dropped.total}`);
  lines.push(...section('by reason', stats.dropped.by_reason, stats.dropped.total));
  lines.push(`dead letters: ${stats.dead_letters.total}`);
  lines.push(...section('by operator', stats.dead_letters.by_operator, stats.dead_letters.total));
  lines.push(...section('by reason', stats.dead_letters.by_reason, stats.dead_letters.total));
  lines.push(`tokens: ${stats.tokens.prompt} prompt, ${stats.tokens.completion} completion; cost $${stats.cost_usd.toFixed(4)}`);
  const t = stats.teacher;
  lines.push(
    `teacher requests: ${t.requests} (${t.ok} paid, ${t.cache_hits} cache hits, ${t.failed} failed, ${t.retries} retries); ` +
      `spend $${t.spend_usd.toFixed(4)}, saved by the cache $${t.saved_usd.toFixed(4)}`,
  );
  lines.push(...section('by status', t.by_status, t.requests));
  const models = Object.entries(t.by_model);
  if (models.length > 0) {
    const w = Math.max(...models.map(([m]) => m.length));
    lines.push('  spend by model:');
    for (const [m, s] of models) {
      lines.push(`    ${m.padEnd(w)}  ${s.requests} requests, ${s.prompt_tokens} prompt + ${s.completion_tokens} completion tokens, $${s.spend_usd.toFixed(4)}`);
    }
  }
  for (const [table, s] of Object.entries(stats.shards)) {
    lines.push(`shards ${table}: ${s.shards} files, ${s.rows} rows, ${formatBytes(s.bytes)}`);
  }
  return lines.join('\n') + '\n';
}

/** Lag per operator, beside the corpus stats: read from Kafka, or where the embedded transport shows it. */
export type LagStats =
  | { transport: 'kafka'; brokers: readonly string[]; operators: Array<GroupLag & { operator: string }> }
  | { transport: 'embedded'; note: string };

export const EMBEDDED_LAG_NOTE =
  'lag per operator: the embedded transport queues inside "lamini run"; its progress line shows what each operator has queued';

export function formatLag(lag: LagStats): string {
  if (lag.transport === 'embedded') return `${lag.note}\n`;
  const lines = [`lag per operator (kafka ${lag.brokers.join(',')}): committed and log-end offsets summed over partitions`];
  const opW = Math.max(...lag.operators.map((o) => o.operator.length));
  const groupW = Math.max(...lag.operators.map((o) => o.group.length));
  const topicW = Math.max(...lag.operators.flatMap((o) => o.topics.map((t) => t.topic.length)));
  for (const o of lag.operators) {
    const members = `${o.members} member${o.members === 1 ? '' : 's'}`;
    lines.push(`  ${o.operator.padEnd(opW)}  group ${o.group.padEnd(groupW)}  ${o.state}, ${members}  lag ${o.lag}`);
    for (const t of o.topics) {
      lines.push(t.partitions === 0
        ? `    ${t.topic.padEnd(topicW)}  no such topic yet`
        : `    ${t.topic.padEnd(topicW)}  ${t.partitions} partitions  committed ${t.committedPartitions === 0 ? 'none' : t.committed}  end ${t.end}  lag ${t.lag}`);
    }
  }
  return lines.join('\n') + '\n';
}

function section(title: string, counts: Record<string, number>, total: number): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return [];
  const w = Math.max(...entries.map(([k]) => k.length));
  const nw = Math.max(...entries.map(([, n]) => String(n).length));
  return [
    `  ${title}:`,
    ...entries.map(([k, n]) => `    ${k.padEnd(w)}  ${String(n).padStart(nw)}  ${total > 0 ? ((100 * n) / total).toFixed(1) : '0.0'}%`),
  ];
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
