/**
 * The corpus manifest (`<dataDir>/corpus/manifest.json`): the one place where the writer and every reader
 * meet. Shards are written first, the manifest last, so a reader never sees a manifest that names a missing
 * file. Versioned and self-describing; see docs/formats/manifest.md.
 */
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import type { TopicPosition } from '../streams/transport.ts';
import { readTextIfExists } from './fsutil.ts';
import { TABLES, WRITTEN_TABLES, schemaFingerprint, type Column, type TableName } from './schema.ts';
import { issue, expectArray, expectInt, expectNumber, expectObject, expectString, type Issues } from './validate.ts';

export const MANIFEST_FORMAT = 'lamini-corpus';
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface ShardEntry {
  /** The manifest sequence that committed the shard: unique and increasing within a table. */
  seq: number;
  /** Relative to `<dataDir>/corpus/`, with `/` separators. */
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
  min_id: string;
  max_id: string;
  created_at: string;
}

export interface TableEntry {
  schema_fingerprint: string;
  columns: Column[];
  /** In commit order (ascending seq). */
  shards: ShardEntry[];
}

export type ManifestTables = Record<(typeof WRITTEN_TABLES)[number], TableEntry> &
  Partial<Record<Exclude<TableName, (typeof WRITTEN_TABLES)[number]>, TableEntry>>;

export interface Progress {
  /** The run seed the task numbers belong to; null until a commit names one. */
  run_seed: number | null;
  /** Highest k with every task <= k done; -1 when none. */
  task_watermark: number;
  /** Done tasks above the watermark, ascending. */
  done_tasks_above: number[];
  /** Input positions (next offset to read) covered by the committed shards, one per topic partition. */
  positions: TopicPosition[];
}

export interface Totals {
  examples: number;
  dead_letters: number;
  dropped: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** +1 per commit; 0 for a corpus with no commit yet. */
  sequence: number;
  updated_at: string;
  tables: ManifestTables;
  progress: Progress;
  totals: Totals;
}

export function emptyTable(name: TableName): TableEntry {
  const columns = TABLES[name].columns.map((c) => ({ ...c }));
  return { schema_fingerprint: schemaFingerprint(columns), columns, shards: [] };
}

export function emptyManifest(): Manifest {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    sequence: 0,
    updated_at: new Date(0).toISOString(),
    tables: { examples: emptyTable('examples'), dead_letters: emptyTable('dead_letters'), dropped: emptyTable('dropped') },
    progress: { run_seed: null, task_watermark: -1, done_tasks_above: [], positions: [] },
    totals: { examples: 0, dead_letters: 0, dropped: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 },
  };
}

export function corpusDir(dataDir: string): string {
  return join(dataDir, 'corpus');
}

/** The published manifest, or the empty one (sequence 0) when nothing was ever committed. */
export async function readManifest(dataDir: string): Promise<Manifest> {
  const path = join(corpusDir(dataDir), MANIFEST_FILE);
  const text = await readTextIfExists(path);
  return text === undefined ? emptyManifest() : parseManifest(text, path);
}

/** Pretty JSON with each column, position and number list on one line (easier to read and to diff). */
export function serializeManifest(manifest: Manifest): string {
  return (
    JSON.stringify(manifest, null, 2)
      .replace(/\{\n\s+("name": "[^"]*"),\n\s+("type": "[^"]*")\n\s+\}/g, '{ $1, $2 }')
      .replace(/\{\n\s+("topic": "(?:[^"\\]|\\.)*"),\n\s+("partition": \d+),\n\s+("offset": \d+)\n\s+\}/g, '{ $1, $2, $3 }')
      .replace(/\[\n\s+(-?\d+(?:,\n\s+-?\d+)*)\n\s+\]/g, (_, list: string) => `[${list.split(/,\s+/).join(', ')}]`) + '\n'
  );
}

/** Parse and check a manifest; every problem is reported with its path. */
export function parseManifest(text: string, source = MANIFEST_FILE): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LaminiError(ErrorCodes.MANIFEST_CORRUPT, `${source} is not JSON`, { cause: error, details: { source } });
  }
  const top = expectObject(raw, '', []);
  if (top === undefined || top['format'] !== MANIFEST_FORMAT || top['version'] !== MANIFEST_VERSION) {
    const format = top?.['format'];
    const version = top?.['version'];
    if (typeof format === 'string' || typeof version === 'number') {
      throw new LaminiError(
        ErrorCodes.MANIFEST_UNKNOWN_VERSION,
        `${source}: format ${JSON.stringify(format)} version ${JSON.stringify(version)} is not known ` +
          `(this reader knows ${MANIFEST_FORMAT} version ${MANIFEST_VERSION})`,
        { details: { source, format, version } },
      );
    }
    throw new LaminiError(ErrorCodes.MANIFEST_CORRUPT, `${source} has no format and version`, { details: { source } });
  }
  const issues: Issues = [];
  checkManifest(top, issues);
  if (issues.length > 0) {
    const shown = issues.slice(0, 5).map((i) => `${i.path || '(top)'}: ${i.message}`).join('; ');
    throw new LaminiError(ErrorCodes.MANIFEST_CORRUPT, `${source} is corrupt: ${shown}`, { details: { source, issues } });
  }
  return top as unknown as Manifest;
}

function checkManifest(top: Record<string, unknown>, issues: Issues): void {
  expectInt(top['sequence'], 'sequence', issues, 0);
  expectString(top['updated_at'], 'updated_at', issues);
  const tables = expectObject(top['tables'], 'tables', issues);
  if (tables !== undefined) {
    for (const name of Object.keys(tables)) {
      if (!(name in TABLES)) issue(issues, `tables.${name}`, 'unknown table');
    }
    for (const name of WRITTEN_TABLES) {
      if (tables[name] === undefined) issue(issues, `tables.${name}`, 'missing');
    }
    for (const [name, entry] of Object.entries(tables)) checkTable(entry, `tables.${name}`, issues);
  }
  const progress = expectObject(top['progress'], 'progress', issues);
  if (progress !== undefined) {
    if (progress['run_seed'] !== null) expectInt(progress['run_seed'], 'progress.run_seed', issues);
    expectInt(progress['task_watermark'], 'progress.task_watermark', issues, -1);
    const above = expectArray(progress['done_tasks_above'], 'progress.done_tasks_above', issues);
    above?.forEach((k, i) => expectInt(k, `progress.done_tasks_above[${i}]`, issues, 0));
    const positions = expectArray(progress['positions'], 'progress.positions', issues);
    positions?.forEach((p, i) => {
      const path = `progress.positions[${i}]`;
      const pos = expectObject(p, path, issues);
      if (pos === undefined) return;
      expectString(pos['topic'], `${path}.topic`, issues);
      expectInt(pos['partition'], `${path}.partition`, issues, 0);
      expectInt(pos['offset'], `${path}.offset`, issues, 0);
    });
  }
  const totals = expectObject(top['totals'], 'totals', issues);
  if (totals !== undefined) {
    for (const key of ['examples', 'dead_letters', 'dropped', 'prompt_tokens', 'completion_tokens']) {
      expectInt(totals[key], `totals.${key}`, issues, 0);
    }
    expectNumber(totals['cost_usd'], 'totals.cost_usd', issues);
  }
}

function checkTable(value: unknown, path: string, issues: Issues): void {
  const table = expectObject(value, path, issues);
  if (table === undefined) return;
  expectString(table['schema_fingerprint'], `${path}.schema_fingerprint`, issues);
  const columns = expectArray(table['columns'], `${path}.columns`, issues);
  columns?.forEach((c, i) => {
    const column = expectObject(c, `${path}.columns[${i}]`, issues);
    expectString(column?.['name'], `${path}.columns[${i}].name`, issues);
    expectString(column?.['type'], `${path}.columns[${i}].type`, issues);
  });
  const shards = expectArray(table['shards'], `${path}.shards`, issues);
  shards?.forEach((s, i) => {
    const at = `${path}.shards[${i}]`;
    const shard = expectObject(s, at, issues);
    if (shard === undefined) return;
    expectInt(shard['seq'], `${at}.seq`, issues, 1);
    const file = expectString(shard['file'], `${at}.file`, issues);
    if (file !== undefined && (file.startsWith('/') || file.split('/').includes('..'))) {
      issue(issues, `${at}.file`, 'must be a relative path inside the corpus folder');
    }
    expectInt(shard['rows'], `${at}.rows`, issues, 0);
    expectInt(shard['bytes'], `${at}.bytes`, issues, 0);
    for (const key of ['sha256', 'min_id', 'max_id', 'created_at']) expectString(shard[key], `${at}.${key}`, issues);
  });
}

/** Merge newly done tasks and advance the watermark through contiguous task numbers. */
export function advanceTasks(progress: Progress, doneTasks: readonly number[]): Pick<Progress, 'task_watermark' | 'done_tasks_above'> {
  let watermark = progress.task_watermark;
  const above = new Set(progress.done_tasks_above);
  for (const k of doneTasks) if (k > watermark) above.add(k);
  while (above.delete(watermark + 1)) watermark += 1;
  return { task_watermark: watermark, done_tasks_above: [...above].sort((a, b) => a - b) };
}

/** One position per topic partition; a partition's offset never moves back. */
export function mergePositions(current: readonly TopicPosition[], update: readonly TopicPosition[]): TopicPosition[] {
  const byKey = new Map<string, TopicPosition>();
  for (const p of [...current, ...update]) {
    const key = `${p.topic}\u0000${p.partition}`;
    const seen = byKey.get(key);
    if (seen === undefined || p.offset > seen.offset) byKey.set(key, { topic: p.topic, partition: p.partition, offset: p.offset });
  }
  return [...byKey.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}
