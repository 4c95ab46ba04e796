/**
 * Diversity for the report: the figures `lamini stats` prints (corpus/diversity.ts: distinct instructions,
 * MATTR, lengths, leading words per source), computed by the same code. That code reads every instruction
 * and response into this process, about a second per 100k rows, so above DIVERSITY_FULL_ROWS the report
 * computes them on a fixed sample of that many rows instead (the page says so): a temporary view
 * named `examples` over the sample shadows the corpus view for that one call.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { diversityStats } from '../corpus/diversity.ts';
import type { Diversity } from './data.ts';
import { num, rows } from './sql.ts';

export const DIVERSITY_FULL_ROWS = 100_000;

export async function diversityFigures(conn: DuckDBConnection, limit = DIVERSITY_FULL_ROWS): Promise<Diversity> {
  const [count = []] = await rows(conn, 'SELECT count(*) FROM examples');
  const of = num(count[0]);
  if (of === 0) return { figures: null, rows: 0, of: 0 };
  if (of <= limit) return { figures: await diversityStats(conn), rows: of, of };
  // `memory.main.examples` is the corpus view; the temporary `examples` (schema temp.main) is found first.
  // The rows with the smallest hashes of their ids: the same sample on every run and every thread count
  // (DuckDB's seeded reservoir sample is repeatable only single-threaded), and a streaming top-N in DuckDB.
  await conn.run(`CREATE OR REPLACE TEMP VIEW examples AS
    SELECT * FROM memory.main.examples ORDER BY hash(id), id LIMIT ${Math.floor(limit)}`);
  try {
    return { figures: await diversityStats(conn), rows: Math.floor(limit), of };
  } finally {
    await conn.run('DROP VIEW temp.main.examples');
  }
}
