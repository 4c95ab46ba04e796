/**
 * Writes one immutable Parquet shard with DuckDB: rows go to a newline-delimited JSON temp file, DuckDB
 * copies them to `<shard>.tmp` (zstd), and the temp is fsynced, made read-only and renamed into place.
 * Loading through read_json measured about 3x faster than the appender for 50k example rows
 * (~270 ms against ~800 ms to load, ~150 ms to write Parquet either way) on this machine.
 */
import { writeFile, rm, stat, chmod } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSpec } from './schema.ts';
import { ident, literal } from './schema.ts';
import { publishFile, sha256File } from './fsutil.ts';
import { loadExpression, loadType, toJsonLines, type Row } from './encode.ts';

export interface WrittenShard {
  rows: number;
  bytes: number;
  sha256: string;
  min_id: string;
  max_id: string;
}

/** Write `rows` to the Parquet file `path` (which must not be published yet); durable on return. */
export async function writeShard(conn: DuckDBConnection, spec: TableSpec, rows: readonly Row[], path: string): Promise<WrittenShard> {
  const jsonTmp = `${path}.jsonl.tmp`;
  const parquetTmp = `${path}.tmp`;
  try {
    await writeFile(jsonTmp, toJsonLines(rows));
    const columns = spec.columns.map((c) => `${ident(c.name)}: ${literal(loadType(c))}`).join(', ');
    const select = spec.columns.map((c) => `${loadExpression(c, ident(c.name))} AS ${ident(c.name)}`).join(', ');
    await conn.run(
      `COPY (SELECT ${select} FROM read_json(${literal(jsonTmp)}, format = 'newline_delimited', ` +
        `columns = {${columns}}, maximum_object_size = 1073741824)) ` +
        `TO ${literal(parquetTmp)} (FORMAT parquet, COMPRESSION zstd, USE_TMP_FILE false)`,
    );
    await rm(jsonTmp, { force: true });
    const bytes = (await stat(parquetTmp)).size;
    const sha256 = await sha256File(parquetTmp);
    await chmod(parquetTmp, 0o444);
    await publishFile(parquetTmp, path);
    let min = rows[0]?.id ?? '';
    let max = min;
    for (const row of rows) {
      if (row.id < min) min = row.id;
      if (row.id > max) max = row.id;
    }
    return { rows: rows.length, bytes, sha256, min_id: min, max_id: max };
  } finally {
    await rm(jsonTmp, { force: true });
    await rm(parquetTmp, { force: true });
  }
}
