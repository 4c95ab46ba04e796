/**
 * A read-only DuckDB over the committed corpus: an in-memory database with one view per table over the
 * Parquet files the manifest names (or an empty relation with the table's columns when there are none).
 *
 * Read only is DuckDB's own doing: `allowed_paths` lists exactly those files, `enable_external_access=false`
 * then refuses every other file (COPY TO, ATTACH, EXPORT, INSTALL, read_csv('/etc/passwd'), ...), and
 * `lock_configuration=true` stops SQL from turning any of it back on. Measured on DuckDB 1.5: `allowed_paths`
 * grants WRITE access as well, so `COPY ... TO '<a shard>' (USE_TMP_FILE false)` would overwrite a shard, and
 * `allowed_directories` would allow writing anywhere under the folder. `query.ts` therefore also runs only
 * statements DuckDB itself classifies as SELECT (or EXPLAIN of one), and shards are written mode 0444.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { corpusDir, readManifest, type Manifest } from './manifest.ts';
import { QUERY_TABLES, TABLES, ident, literal, schemaFingerprint, type TableName } from './schema.ts';
import { resultFiles } from '../eval/results.ts';
import { resultsViewSql } from '../eval/results-view.ts';

export interface ReadOnlyCorpus {
  conn: DuckDBConnection;
  manifest: Manifest;
  close(): Promise<void>;
}

/** Open the committed snapshot named by the current manifest; later commits are not seen. */
export async function openReadOnly(dataDir: string): Promise<ReadOnlyCorpus> {
  const root = corpusDir(resolve(dataDir));
  const manifest = await readManifest(dataDir);
  const files = new Map<TableName, string[]>();
  for (const table of QUERY_TABLES) {
    files.set(table, (manifest.tables[table]?.shards ?? []).map((s) => join(root, s.file)));
  }
  // The results store (eval/results.ts) keeps its own files under <dataDir>/results/, outside the manifest.
  const results = await resultFiles(dataDir);
  const spill = await mkdtemp(join(tmpdir(), 'lamini-query-'));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const close = async (): Promise<void> => {
    conn.closeSync();
    instance.closeSync();
    await rm(spill, { recursive: true, force: true });
  };
  try {
    const allowed = [...files.values(), results].flat().map(literal).join(', ');
    await conn.run(`SET temp_directory = ${literal(spill)}`);
    await conn.run(`SET allowed_paths = [${allowed}]`);
    await conn.run('SET enable_external_access = false');
    await conn.run('SET autoinstall_known_extensions = false');
    await conn.run('SET autoload_known_extensions = false');
    for (const table of QUERY_TABLES) {
      const current = manifest.tables[table]?.schema_fingerprint === schemaFingerprint(TABLES[table].columns);
      await conn.run(viewSql(table, files.get(table) ?? [], current));
    }
    await conn.run(resultsViewSql(results));
    await conn.run('SET lock_configuration = true');
    return { conn, manifest, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Shards are read by column name, so a column appended since an older shard was written reads as NULL there.
 * When the manifest's columns are not the current ones (every shard predates a new column), an empty relation
 * with the current columns is unioned in by name, so the new column exists (NULL) all the same.
 */
function viewSql(table: TableName, files: readonly string[], current: boolean): string {
  const name = ident(table);
  const columns = TABLES[table].columns.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ');
  const empty = `SELECT ${columns} WHERE false`;
  if (files.length === 0) return `CREATE VIEW ${name} AS ${empty}`;
  const shards = `SELECT * FROM read_parquet([${files.map(literal).join(', ')}], union_by_name = true)`;
  return `CREATE VIEW ${name} AS ${shards}${current ? '' : ` UNION ALL BY NAME ${empty}`}`;
}
