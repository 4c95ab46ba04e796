/**
 * RowStream memory and speed over one epoch of a 100,000-example corpus (shards of up to 20,000 rows), read
 * through take(8) as a trainer would, sampling RSS as it goes; memory should stay flat at about one shuffle
 * block. The reference, in a fresh process too: reading every row of the same corpus into memory at once.
 * Each measurement runs in its own child process so that building the corpus does not count. One JSON line.
 *   node bench/trainer/stream-memory.ts [--examples 100000] [--per-shard 20000] [--block 65536] [--take 8]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../corpus/manifest.ts';
import { RowStream } from '../../trainers/data/row-stream.ts';
import { ShardReader } from '../../trainers/data/reader.ts';
import { shardPath } from '../../trainers/data/shards.ts';
import { makeCorpus } from '../../test/helpers/corpus-fixture.ts';
import { arg, report } from '../dedup/common.ts';

const examples = Number(arg('examples', '100000'));
const perShard = Number(arg('per-shard', '20000'));
const block = Number(arg('block', '65536'));
const takeSize = Number(arg('take', '8'));
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** Child: stream one epoch and sample RSS about 50 times along it. */
async function measureStream(dir: string): Promise<Record<string, unknown>> {
  const rssStart = process.memoryUsage.rss();
  const samples: number[] = [];
  let peak = rssStart;
  const t0 = performance.now();
  const stream = await RowStream.open(dir, { seed: 1, epochs: 1, shuffleBlock: block }, { minTrainRows: takeSize });
  const every = Math.max(1, Math.floor(stream.cursor().passRows / takeSize / 50));
  let rows = 0;
  for (let call = 0; ; call++) {
    const got = await stream.take(takeSize);
    if (got.length === 0) break;
    rows += got.length;
    if (call % every === 0) {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      samples.push(mb(rss));
    }
  }
  await stream.close();
  const seconds = (performance.now() - t0) / 1000;
  const rssEnd = process.memoryUsage.rss();
  return {
    rows, seconds: round(seconds), rows_per_s: Math.round(rows / seconds),
    rss_start_mb: mb(rssStart), rss_peak_mb: mb(Math.max(peak, rssEnd)), rss_end_mb: mb(rssEnd), samples,
  };
}

/** Child: the reference, every row of every shard held in memory at once. */
async function measureLoadAll(dir: string): Promise<Record<string, unknown>> {
  const rssStart = process.memoryUsage.rss();
  const t0 = performance.now();
  const reader = await ShardReader.open();
  const held = [];
  for (const shard of (await readManifest(dir)).tables.examples.shards) held.push(await reader.readRows(shardPath(dir, shard), 0, shard.rows));
  const seconds = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage.rss();
  reader.close();
  return { rows: held.reduce((n, rows) => n + rows.length, 0), seconds: round(seconds), rss_start_mb: mb(rssStart), rss_mb: mb(rss) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function child(mode: string, dir: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), `--${mode}`, dir, ...process.argv.slice(2)], { encoding: 'utf8' });
  const parsed: unknown = JSON.parse(out);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`the ${mode} child printed ${out}`);
  return { ...parsed };
}

const measure = arg('measure', '');
const reference = arg('reference', '');
if (measure !== '') {
  process.stdout.write(JSON.stringify(await measureStream(measure)));
} else if (reference !== '') {
  process.stdout.write(JSON.stringify(await measureLoadAll(reference)));
} else {
  const load = loadavg();
  const dir = await mkdtemp(join(tmpdir(), 'lamini-bench-stream-'));
  try {
    const t0 = performance.now();
    const manifest = await makeCorpus(dir, { examples, perShard });
    const build = (performance.now() - t0) / 1000;
    const shards = manifest.tables.examples.shards;
    const stream = child('measure', dir);
    const all = child('reference', dir);
    report('trainer-stream-memory', {
      parameters: { examples, per_shard: perShard, shards: shards.length, shuffle_block: block, take: takeSize, iterations: 1 },
      corpus_mb: round(shards.reduce((n, s) => n + s.bytes, 0) / 2 ** 20),
      build_seconds: round(build),
      ...stream,
      reference_load_all: all,
    }, load);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
