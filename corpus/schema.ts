/**
 * The corpus tables: their columns (name and DuckDB type, in file order) and where their shards live.
 * One entry per table; the shard writer, the query views and the manifest's schema fingerprints all read
 * this list, so adding a table is one entry here plus a row encoder in `encode.ts`.
 */
import { createHash } from 'node:crypto';

export interface Column {
  name: string;
  /** A DuckDB type as written in SQL: VARCHAR, BIGINT, DOUBLE, TIMESTAMP, BLOB, VARCHAR[]. */
  type: string;
}

export interface TableSpec {
  name: TableName;
  /** Folder under `<dataDir>/corpus/` holding the table's shards. */
  dir: string;
  /** File name prefix: `<prefix>-<seq 8 digits>.parquet`. */
  prefix: string;
  columns: readonly Column[];
}

/** Tables every manifest names (a commit may write any of them). */
export const WRITTEN_TABLES = ['examples', 'dead_letters', 'dropped'] as const;
/** Tables a manifest names once a commit first writes them (older manifests do not). */
export const OPTIONAL_WRITTEN_TABLES = ['teacher_requests'] as const;
/** Every table a query sees (empty until someone commits shards of it). */
export const QUERY_TABLES = ['examples', 'dead_letters', 'dropped', 'teacher_requests', 'results'] as const;
export type TableName = (typeof QUERY_TABLES)[number];
export type WrittenTable = (typeof WRITTEN_TABLES)[number];

const col = (name: string, type: string): Column => ({ name, type });

const EXAMPLES: readonly Column[] = [
  col('id', 'VARCHAR'),
  col('instruction', 'VARCHAR'),
  col('input', 'VARCHAR'),
  col('response', 'VARCHAR'),
  col('instruction_source', 'VARCHAR'),
  col('generation_mode', 'VARCHAR'),
  col('seed_ids', 'VARCHAR[]'),
  col('topics', 'VARCHAR[]'),
  col('teacher_model', 'VARCHAR'),
  col('prompt_version', 'VARCHAR'),
  col('prompt_tokens', 'BIGINT'),
  col('completion_tokens', 'BIGINT'),
  col('cost_usd', 'DOUBLE'),
  col('created_at', 'TIMESTAMP'),
  col('instruction_id', 'VARCHAR'),
  col('task_number', 'BIGINT'),
];

const DEAD_LETTERS: readonly Column[] = [
  col('id', 'VARCHAR'),
  col('operator', 'VARCHAR'),
  col('reason', 'VARCHAR'),
  col('message', 'VARCHAR'),
  col('source_topic', 'VARCHAR'),
  col('source_partition', 'BIGINT'),
  col('source_offset', 'BIGINT'),
  col('payload', 'BLOB'),
  col('task_number', 'BIGINT'),
  col('created_at', 'TIMESTAMP'),
];

const DROPPED: readonly Column[] = [
  col('id', 'VARCHAR'),
  col('duplicate_of', 'VARCHAR'),
  col('reason', 'VARCHAR'),
  col('instruction', 'VARCHAR'),
  col('instruction_source', 'VARCHAR'),
  col('task_number', 'BIGINT'),
  col('created_at', 'TIMESTAMP'),
];

/**
 * The teacher ledger (`teacher/ledger.ts`): one row per teacher call, committed with the corpus commits.
 * `status` is `ok`, `cached` or the TEACHER_* code of a failed call; spend is `sum(cost_usd)`. `model` is the
 * configured name; `server_model` what the server called it (llama-server: the GGUF path).
 *
 * Columns evolve by appending: a new column goes last, shards written before it stay as they are, and the
 * query views read every shard by column name, so an old shard shows NULL in the new column. A commit that
 * writes a table brings its manifest entry's `columns` and fingerprint up to the writer's (`server_model` came
 * after the first teacher_requests shards).
 */
const TEACHER_REQUESTS: readonly Column[] = [
  col('id', 'VARCHAR'),
  col('request_hash', 'VARCHAR'),
  col('task_number', 'BIGINT'),
  col('model', 'VARCHAR'),
  col('status', 'VARCHAR'),
  col('prompt_tokens', 'BIGINT'),
  col('completion_tokens', 'BIGINT'),
  col('cost_usd', 'DOUBLE'),
  col('saved_usd', 'DOUBLE'),
  col('retries', 'BIGINT'),
  col('cached', 'BOOLEAN'),
  col('latency_ms', 'BIGINT'),
  col('error', 'VARCHAR'),
  col('created_at', 'TIMESTAMP'),
  col('server_model', 'VARCHAR'),
];

/** Provisional, as above: evaluation results belong to `trainers/`. */
const RESULTS: readonly Column[] = [
  col('id', 'VARCHAR'),
  col('checkpoint', 'VARCHAR'),
  col('metric', 'VARCHAR'),
  col('value', 'DOUBLE'),
  col('created_at', 'TIMESTAMP'),
];

export const TABLES: Readonly<Record<TableName, TableSpec>> = {
  examples: { name: 'examples', dir: 'shards', prefix: 'examples', columns: EXAMPLES },
  dead_letters: { name: 'dead_letters', dir: 'dead_letters', prefix: 'dead_letters', columns: DEAD_LETTERS },
  dropped: { name: 'dropped', dir: 'dropped', prefix: 'dropped', columns: DROPPED },
  teacher_requests: {
    name: 'teacher_requests',
    dir: 'teacher_requests',
    prefix: 'teacher_requests',
    columns: TEACHER_REQUESTS,
  },
  results: { name: 'results', dir: 'results', prefix: 'results', columns: RESULTS },
};

/** sha256 of the ordered `name type` list, first 16 hex digits: equal fingerprints, equal columns. */
export function schemaFingerprint(columns: readonly Column[]): string {
  const text = columns.map((c) => `${c.name} ${c.type}`).join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** `examples-00000012.parquet` */
export function shardFileName(spec: TableSpec, seq: number): string {
  return `${spec.prefix}-${String(seq).padStart(8, '0')}.parquet`;
}

/** The seq of a shard file name of this table, or undefined when the name is not one. */
export function parseShardFileName(spec: TableSpec, name: string): number | undefined {
  const match = new RegExp(`^${spec.prefix}-(\\d{8,})\\.parquet$`).exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Quote an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote an SQL string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
