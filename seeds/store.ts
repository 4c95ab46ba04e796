/**
 * The seed pool: one JSONL file per source under `<dataDir>/seeds/<source>.jsonl`, each line a full Seed.
 * Adding seeds merges by id with what is there (a re-imported id replaces its record in place, new ids are
 * appended) and rewrites the file atomically (temp file, fsync, rename, fsync of the folder), so a crash leaves
 * the old file or the new one. Loading reads the shipped defaults (`data/seeds/` in the package) and the pool.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Seed } from '../schemas/types.ts';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { contentId, sha256Hex } from '../common/hash.ts';
import { importSeeds, validateSourceName } from './import.ts';
import type { Rejection } from './import.ts';

/** The package root (the folder with lamini-stream's package.json), from source or from `dist/`. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'lamini-stream') return dir;
      } catch {
        // not ours, keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new LaminiError(ErrorCodes.INTERNAL, `cannot find the lamini-stream package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function defaultSeedsDir(): string {
  return join(packageRoot(), 'data', 'seeds');
}

export function defaultTopicsPath(): string {
  return join(packageRoot(), 'data', 'topics.txt');
}

export function poolFile(dataDir: string, source: string): string {
  validateSourceName(source);
  return join(dataDir, 'seeds', `${source}.jsonl`);
}

export interface AddResult {
  source: string;
  file: string;
  added: number;
  updated: number;
  unchanged: number;
  total: number;
}

/** Merge seeds into the pool, one file per source. Idempotent: adding the same seeds twice changes nothing. */
export async function addSeeds(dataDir: string, seeds: readonly Seed[]): Promise<AddResult[]> {
  const bySource = new Map<string, Seed[]>();
  for (const seed of seeds) {
    const list = bySource.get(seed.source) ?? [];
    list.push(seed);
    bySource.set(seed.source, list);
  }
  const results: AddResult[] = [];
  for (const [source, list] of [...bySource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    results.push(await addSourceSeeds(dataDir, source, list));
  }
  return results;
}

async function addSourceSeeds(dataDir: string, source: string, seeds: Seed[]): Promise<AddResult> {
  const file = poolFile(dataDir, source);
  const merged = new Map<string, Seed>();
  if (existsSync(file)) {
    const existing = await importSeeds(file, { source, format: 'jsonl', maxChars: Number.MAX_SAFE_INTEGER });
    if (existing.rejected.length > 0) {
      const first = existing.rejected[0] as Rejection;
      throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `seed pool file ${file} is damaged (${existing.rejected.length} bad lines; ${first.message}); fix or remove it`, {
        details: { file, rejected: existing.rejected.length },
      });
    }
    for (const seed of existing.seeds) merged.set(seed.id, seed);
  }
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const seed of seeds) {
    const before = merged.get(seed.id);
    if (before === undefined) added++;
    else if (sameSeed(before, seed)) unchanged++;
    else updated++;
    merged.set(seed.id, { id: seed.id, instruction: seed.instruction, input: seed.input, output: seed.output, source, subset: seed.subset });
  }
  if (added + updated > 0) {
    await writeAtomically(file, [...merged.values()].map((s) => JSON.stringify(s) + '\n').join(''));
  }
  return { source, file, added, updated, unchanged, total: merged.size };
}

function sameSeed(a: Seed, b: Seed): boolean {
  return a.instruction === b.instruction && a.input === b.input && a.output === b.output && a.subset === b.subset;
}

/** Write `text` to `file` via a temp file in the same folder: fsync, rename, fsync the folder. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot write ${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error, details: { file } });
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

export interface LoadPoolOptions {
  /** Include the seeds shipped with the package (default true). */
  includeDefaults?: boolean;
  /** Where the shipped seeds live (default `data/seeds/` in the package root). */
  defaultsDir?: string;
}

export interface PoolRejection extends Rejection {
  file: string;
}

export interface SeedPool {
  /** Defaults first (sources in name order), then the imported pool; one seed per id, first kept. */
  seeds: Seed[];
  /** `poolFingerprint(seeds)`, for provenance. */
  fingerprint: string;
  /** Seeds per source. */
  counts: Record<string, number>;
  /** Ids met again in a later file (the first one is kept). */
  collapsed: number;
  /** Lines of pool or default files that are not valid seeds (reported, never used). */
  rejected: PoolRejection[];
}

export async function loadSeedPool(dataDir: string | undefined, options: LoadPoolOptions = {}): Promise<SeedPool> {
  const files: string[] = [];
  if (options.includeDefaults ?? true) files.push(...(await jsonlFiles(options.defaultsDir ?? defaultSeedsDir(), true)));
  if (dataDir !== undefined) files.push(...(await jsonlFiles(join(dataDir, 'seeds'), false)));
  const seeds: Seed[] = [];
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  const rejected: PoolRejection[] = [];
  let collapsed = 0;
  for (const file of files) {
    const source = basename(file, '.jsonl');
    const result = await importSeeds(file, { source, format: 'jsonl', maxChars: Number.MAX_SAFE_INTEGER });
    for (const rejection of result.rejected) rejected.push({ file, ...rejection });
    collapsed += result.duplicates.length;
    for (const seed of result.seeds) {
      if (seen.has(seed.id)) {
        collapsed++;
        continue;
      }
      seen.add(seed.id);
      seeds.push(seed);
      counts[source] = (counts[source] ?? 0) + 1;
    }
  }
  return { seeds, fingerprint: poolFingerprint(seeds), counts, collapsed, rejected };
}

async function jsonlFiles(dir: string, mustExist: boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return [];
    const errorCode = code === 'ENOENT' ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE;
    throw new LaminiError(errorCode, `cannot read seed folder ${dir}: ${code ?? String(error)}`, { cause: error, details: { dir } });
  }
  return names
    .filter((n) => n.endsWith('.jsonl') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
}

/** Hash of the sorted seed ids: the same set of seeds gives the same fingerprint, whatever the order. */
export function poolFingerprint(seeds: readonly Pick<Seed, 'id'>[]): string {
  const ids = seeds.map((s) => s.id).sort();
  return sha256Hex(ids.join('\n')).slice(0, 16);
}

/**
 * Topic names, one per line (blank lines and `#` comments skipped), trimmed, in file order, each once
 * (compared case-insensitively after normalisation).
 */
export async function loadTopics(path: string = defaultTopicsPath()): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const errorCode = code === 'ENOENT' ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE;
    throw new LaminiError(errorCode, `cannot read topics file ${path}: ${code ?? String(error)}`, { cause: error, details: { file: path } });
  }
  const topics: string[] = [];
  const seen = new Set<string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const topic = line.trim();
    if (topic === '' || topic.startsWith('#')) continue;
    const key = contentId(topic);
    if (seen.has(key)) continue;
    seen.add(key);
    topics.push(topic);
  }
  return topics;
}
