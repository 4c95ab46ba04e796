/**
 * The corpus a result belongs to: the manifest's sequence and a short hash over the examples shards it names
 * (their sha256, in order), so two results on the "same" sequence of two different corpora are told apart.
 */
import { createHash } from 'node:crypto';
import { readManifest } from '../corpus/manifest.ts';

export interface CorpusSnapshot {
  seq: number | null;
  hash: string | null;
}

export async function corpusSnapshot(dataDir: string): Promise<CorpusSnapshot> {
  const manifest = await readManifest(dataDir);
  if (manifest.sequence === 0) return { seq: null, hash: null };
  const hash = createHash('sha256');
  for (const shard of manifest.tables.examples.shards) hash.update(`${shard.seq} ${shard.sha256}\n`);
  return { seq: manifest.sequence, hash: hash.digest('hex').slice(0, 16) };
}
