/**
 * The example shards a pass reads: which manifest entries a seq range names, a short digest that pins that
 * list in a cursor, and the hash check every shard passes before it is read (missing → SHARD_MISSING,
 * different bytes → SHARD_CHANGED; never a silent skip).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { sha256File } from '../../corpus/fsutil.ts';
import { corpusDir, type Manifest, type ShardEntry } from '../../corpus/manifest.ts';

/** The examples shards with fromSeq < seq <= toSeq, in manifest (commit) order. */
export function shardsInRange(manifest: Manifest, fromSeq: number, toSeq: number): ShardEntry[] {
  return manifest.tables.examples.shards.filter((s) => s.seq > fromSeq && s.seq <= toSeq);
}

/** The highest examples shard seq in the manifest; 0 when there is none. */
export function latestSeq(manifest: Manifest): number {
  let max = 0;
  for (const s of manifest.tables.examples.shards) max = Math.max(max, s.seq);
  return max;
}

export function totalRows(shards: readonly ShardEntry[]): number {
  let rows = 0;
  for (const s of shards) rows += s.rows;
  return rows;
}

/** First 16 hex digits of sha256 over `seq rows sha256` lines: equal digests mean the same shard list. */
export function shardsDigest(shards: readonly ShardEntry[]): string {
  const hash = createHash('sha256');
  for (const s of shards) hash.update(`${s.seq} ${s.rows} ${s.sha256}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** Absolute path of a shard file. */
export function shardPath(dataDir: string, shard: ShardEntry): string {
  return join(corpusDir(dataDir), shard.file);
}

/** Check that the shard's file exists with the manifest's size and sha256. */
export async function verifyShard(dataDir: string, shard: ShardEntry): Promise<void> {
  const path = shardPath(dataDir, shard);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new LaminiError(ErrorCodes.SHARD_MISSING, `shard ${shard.file} (seq ${shard.seq}) named by the manifest is missing: ${path}`, {
      cause: error,
      details: { file: shard.file, seq: shard.seq, path },
    });
  }
  const sha256 = size === shard.bytes ? await sha256File(path) : undefined;
  if (sha256 !== shard.sha256) {
    const found = sha256 === undefined ? `${size} bytes, not ${shard.bytes}` : `sha256 ${sha256.slice(0, 12)}…, not ${shard.sha256.slice(0, 12)}…`;
    throw new LaminiError(ErrorCodes.SHARD_CHANGED, `shard ${shard.file} (seq ${shard.seq}) differs from the manifest: ${found}`, {
      details: { file: shard.file, seq: shard.seq, path, expected: shard.sha256, bytes: size },
    });
  }
}

export async function verifyShards(dataDir: string, shards: readonly ShardEntry[]): Promise<void> {
  for (const shard of shards) await verifyShard(dataDir, shard);
}
