/**
 * The corpus side of the report, aggregated in DuckDB: the latest totals, the mix by instruction_source and
 * generation_mode beside the paper's Table 1, length histograms per source and a few sample rows per source.
 * Lengths are whitespace words (as `lamini stats` counts them), computed once into a temporary table of
 * three small columns, so the histogram, means and percentiles scan the text only once.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { PAPER_TABLE1 } from '../corpus/diversity.ts';
import type { Manifest } from '../corpus/manifest.ts';
import type { LatestStats, Lengths, Mix, SourceSamples } from './data.ts';
import { num, rows, str } from './sql.ts';

/** Bins of a length histogram; the last one holds everything past the 99th percentile. */
export const LENGTH_BINS = 30;
/** Sample rows shown per source, and how much of each text. */
export const SAMPLES_PER_SOURCE = 3;
export const SAMPLE_CHARS = 600;

export async function latestStats(conn: DuckDBConnection, manifest: Manifest): Promise<LatestStats> {
  const [t = []] = await rows(conn, `SELECT count(*), count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE cached),
      count(*) FILTER (WHERE status NOT IN ('ok', 'cached')), count(*) FILTER (WHERE status = 'TEACHER_RATE_LIMITED'),
      coalesce(sum(retries), 0), coalesce(sum(cost_usd), 0), coalesce(sum(saved_usd), 0)
    FROM teacher_requests`);
  const shards = Object.entries(manifest.tables).map(([table, entry]) => ({
    table,
    shards: entry?.shards.length ?? 0,
    rows: (entry?.shards ?? []).reduce((n, s) => n + s.rows, 0),
    bytes: (entry?.shards ?? []).reduce((n, s) => n + s.bytes, 0),
  }));
  return {
    manifest_sequence: manifest.sequence,
    updated_at: manifest.sequence === 0 ? null : manifest.updated_at,
    run_seed: manifest.progress.run_seed,
    task_watermark: manifest.progress.task_watermark,
    examples: manifest.totals.examples,
    dropped: manifest.totals.dropped,
    dead_letters: manifest.totals.dead_letters,
    prompt_tokens: manifest.totals.prompt_tokens,
    completion_tokens: manifest.totals.completion_tokens,
    cost_usd: manifest.totals.cost_usd,
    teacher: {
      requests: num(t[0]), ok: num(t[1]), cache_hits: num(t[2]), failed: num(t[3]), rate_limited: num(t[4]),
      retries: num(t[5]), spend_usd: num(t[6]), saved_usd: num(t[7]),
    },
    shards,
  };
}

/** Shares of each mix normalised to 1 over the sources it names. */
function shares(mix: Record<string, number>): Map<string, number> {
  const total = Object.values(mix).reduce((a, b) => a + (b > 0 ? b : 0), 0);
  return new Map(Object.entries(mix).map(([k, v]) => [k, total > 0 && v > 0 ? v / total : 0]));
}

export async function mixFigures(conn: DuckDBConnection, configured: Record<string, number>): Promise<Mix> {
  const counted = await rows(conn, 'SELECT coalesce(instruction_source, \'\'), count(*) FROM examples GROUP BY 1 ORDER BY 2 DESC, 1');
  const total = counted.reduce((n, r) => n + num(r[1]), 0);
  const paper = shares(Object.fromEntries(Object.entries(PAPER_TABLE1).filter(([k]) => k !== 'all').map(([k, v]) => [k, v.pairs])));
  const config = shares(configured);
  const seen = new Map(counted.map((r) => [str(r[0]), num(r[1])]));
  const names = [...seen.keys(), ...[...paper.keys(), ...config.keys()].filter((k) => !seen.has(k))];
  const sources = [...new Set(names)].map((source) => {
    const examples = seen.get(source) ?? 0;
    return { source, examples, share: total > 0 ? examples / total : 0, paper_share: paper.get(source) ?? null, configured_share: config.get(source) ?? null };
  });
  const modes = (await rows(conn, 'SELECT coalesce(generation_mode, \'\'), count(*) FROM examples GROUP BY 1 ORDER BY 2 DESC, 1'))
    .map((r) => ({ mode: str(r[0]), examples: num(r[1]) }));
  return { sources, modes };
}

const WORDS = (column: string): string => `CAST(len(regexp_extract_all(coalesce(${column}, ''), '\\S+')) AS INTEGER)`;

export async function lengthFigures(conn: DuckDBConnection): Promise<Lengths> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE report_lengths AS
    SELECT coalesce(instruction_source, '') AS s, ${WORDS('instruction')} AS il, ${WORDS('response')} AS rl FROM examples`);
  const [q = []] = await rows(conn, 'SELECT quantile_disc(il, 0.99), quantile_disc(rl, 0.99) FROM report_lengths');
  const width = (p99: number): number => Math.max(1, Math.ceil((p99 + 1) / (LENGTH_BINS - 1)));
  const iw = width(num(q[0]));
  const rw = width(num(q[1]));
  const last = LENGTH_BINS - 1;
  const hist = await rows(conn, `SELECT s, 'i' AS k, least(il // ${iw}, ${last}) AS b, count(*) FROM report_lengths GROUP BY 1, 2, 3
    UNION ALL SELECT s, 'r', least(rl // ${rw}, ${last}), count(*) FROM report_lengths GROUP BY 1, 2, 3`);
  const means = await rows(conn, 'SELECT s, count(*), avg(il), avg(rl) FROM report_lengths GROUP BY 1 ORDER BY 2 DESC, 1');
  await conn.run('DROP TABLE report_lengths');
  const by_source = means.map((m) => {
    const source = str(m[0]);
    const paper = PAPER_TABLE1[source];
    const instruction = new Array<number>(LENGTH_BINS).fill(0);
    const response = new Array<number>(LENGTH_BINS).fill(0);
    for (const h of hist) {
      if (str(h[0]) !== source) continue;
      (str(h[1]) === 'i' ? instruction : response)[num(h[2])] = num(h[3]);
    }
    return {
      source, rows: num(m[1]), instruction, response,
      instruction_mean: round2(num(m[2])), response_mean: round2(num(m[3])),
      paper_instruction_mean: paper?.instruction_length ?? null, paper_response_mean: paper?.response_length ?? null,
    };
  });
  return { unit: 'whitespace_words', instruction_bin_width: iw, response_bin_width: rw, bins: LENGTH_BINS, by_source };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * A few rows per source, the same ones each time (the smallest hashes of their ids), texts cut to
 * SAMPLE_CHARS. Two steps: the ids in one streaming aggregate, then only those rows.
 */
export async function sampleRows(conn: DuckDBConnection): Promise<SourceSamples[]> {
  const picked = await rows(conn, `SELECT coalesce(instruction_source, ''), min_by(id, hash(id), ${SAMPLES_PER_SOURCE}), count(*)
    FROM examples GROUP BY 1 ORDER BY 3 DESC, 1`);
  const ids = picked.flatMap((r) => (Array.isArray(r[1]) ? r[1].map(str) : []));
  if (ids.length === 0) return [];
  const list = ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(', ');
  const found = await rows(conn, `SELECT id, coalesce(instruction_source, ''), coalesce(generation_mode, ''), left(coalesce(instruction, ''), ${SAMPLE_CHARS}),
      left(coalesce(response, ''), ${SAMPLE_CHARS}), created_at FROM examples WHERE id IN (${list}) ORDER BY hash(id)`);
  return picked.map((p) => ({
    source: str(p[0]),
    rows: found.filter((f) => str(f[1]) === str(p[0])).map((f) => ({
      id: str(f[0]), generation_mode: str(f[2]), instruction: str(f[3]), response: str(f[4]), created_at: str(f[5]),
    })),
  }));
}
