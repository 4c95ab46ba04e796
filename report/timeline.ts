/**
 * Drops, dead letters and teacher calls over time, bucketed in DuckDB. The bucket is the smallest of a fixed
 * ladder (a minute .. a week) that keeps the span under MAX_BUCKETS, so a run of an hour and one of a
 * month both give a readable chart; empty buckets are filled with zeros here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Reasons, Series, Timeline } from './data.ts';
import { num, rows, str } from './sql.ts';

export const MAX_BUCKETS = 120;

const LADDER: ReadonlyArray<{ interval: string; ms: number }> = [
  { interval: '1 second', ms: 1_000 },
  { interval: '10 seconds', ms: 10_000 },
  { interval: '1 minute', ms: 60_000 },
  { interval: '5 minutes', ms: 300_000 },
  { interval: '15 minutes', ms: 900_000 },
  { interval: '1 hour', ms: 3_600_000 },
  { interval: '6 hours', ms: 21_600_000 },
  { interval: '1 day', ms: 86_400_000 },
  { interval: '7 days', ms: 604_800_000 },
  { interval: '30 days', ms: 2_592_000_000 },
];

/** The bucket for a span of `spanMs`: the first rung with at most MAX_BUCKETS buckets (the last rung otherwise). */
export function bucketFor(spanMs: number): { interval: string; ms: number } {
  return LADDER.find((b) => spanMs / b.ms < MAX_BUCKETS) ?? LADDER[LADDER.length - 1]!;
}

const TABLES = ['dropped', 'dead_letters', 'teacher_requests'] as const;

export async function timelineFigures(conn: DuckDBConnection): Promise<Timeline> {
  const spans = TABLES.map((t) => `SELECT epoch_ms(min(created_at)) AS lo, epoch_ms(max(created_at)) AS hi FROM ${t}`).join(' UNION ALL ');
  const [span = []] = await rows(conn, `SELECT min(lo), max(hi) FROM (${spans})`);
  if (span[0] === null || span[0] === undefined) {
    const none: Series = { times: [], by_key: {} };
    return { bucket: null, dropped: none, dead_letters: none, teacher: emptyTeacher([]) };
  }
  const lo = num(span[0]);
  const hi = num(span[1]);
  const b = bucketFor(hi - lo);
  // time_bucket aligns to a fixed origin: start from the bucket holding the first row.
  const [origin = []] = await rows(conn, `SELECT epoch_ms(time_bucket(INTERVAL '${b.interval}', make_timestamp(${lo} * 1000)))`);
  const start = num(origin[0]);
  const count = Math.floor((hi - start) / b.ms) + 1;
  const times = Array.from({ length: count }, (_, i) => new Date(start + i * b.ms).toISOString());
  const slot = (ms: number): number => Math.min(count - 1, Math.max(0, Math.round((ms - start) / b.ms)));
  const bucket = (column: string): string => `epoch_ms(time_bucket(INTERVAL '${b.interval}', ${column}))`;

  const series = async (table: string): Promise<Series> => {
    const got = await rows(conn, `SELECT ${bucket('created_at')}, coalesce(reason, ''), count(*) FROM ${table} WHERE created_at IS NOT NULL GROUP BY 1, 2`);
    const by_key: Record<string, number[]> = {};
    for (const [t, reason, n] of got) {
      const key = str(reason);
      const line = (by_key[key] ??= new Array<number>(count).fill(0));
      line[slot(num(t))]! += num(n);
    }
    return { times, by_key };
  };

  const teacher = emptyTeacher(times);
  const got = await rows(conn, `SELECT ${bucket('created_at')}, count(*), count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE cached),
      count(*) FILTER (WHERE status NOT IN ('ok', 'cached')), count(*) FILTER (WHERE status = 'TEACHER_RATE_LIMITED'),
      coalesce(sum(retries), 0), coalesce(sum(cost_usd), 0), coalesce(sum(saved_usd), 0)
    FROM teacher_requests WHERE created_at IS NOT NULL GROUP BY 1`);
  for (const r of got) {
    const i = slot(num(r[0]));
    teacher.requests[i]! += num(r[1]);
    teacher.ok[i]! += num(r[2]);
    teacher.cache_hits[i]! += num(r[3]);
    teacher.failed[i]! += num(r[4]);
    teacher.rate_limited[i]! += num(r[5]);
    teacher.retries[i]! += num(r[6]);
    teacher.spend_usd[i]! += num(r[7]);
    teacher.saved_usd[i]! += num(r[8]);
  }
  return { bucket: b.interval, dropped: await series('dropped'), dead_letters: await series('dead_letters'), teacher };
}

function emptyTeacher(times: string[]): Timeline['teacher'] {
  const zeros = (): number[] => new Array<number>(times.length).fill(0);
  return {
    times, requests: zeros(), ok: zeros(), cache_hits: zeros(), failed: zeros(), rate_limited: zeros(), retries: zeros(),
    spend_usd: zeros(), saved_usd: zeros(),
  };
}

export async function reasonFigures(conn: DuckDBConnection): Promise<Reasons> {
  const dropped = await rows(conn, 'SELECT coalesce(reason, \'\'), count(*) FROM dropped GROUP BY 1 ORDER BY 2 DESC, 1');
  const dead = await rows(conn, 'SELECT coalesce(reason, \'\'), coalesce(operator, \'\'), count(*) FROM dead_letters GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2');
  return {
    dropped: dropped.map((r) => ({ reason: str(r[0]), count: num(r[1]) })),
    dead_letters: dead.map((r) => ({ reason: str(r[0]), operator: str(r[1]), count: num(r[2]) })),
  };
}
