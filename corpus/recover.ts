/**
 * Crash recovery on open: a commit writes shards first and the manifest last, so a crash leaves at most
 * temp files (`*.tmp`) and shard files of the unpublished sequence (seq > manifest.sequence). Both are
 * removed. Shard files with seq <= sequence that the manifest does not name are left alone: only a future
 * compaction makes those, and it owns their removal (a trainer cursor may still read them).
 */
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { fsyncDir } from './fsutil.ts';
import { MANIFEST_FILE, type Manifest } from './manifest.ts';
import { QUERY_TABLES, TABLES, parseShardFileName } from './schema.ts';

/** Remove what an interrupted commit left; returns how many files were removed. */
export async function removeOrphans(root: string, manifest: Manifest, manifestExists: boolean): Promise<number> {
  const doomed: string[] = [];
  for (const name of await listDir(root)) {
    if (name.endsWith('.tmp')) doomed.push(join(root, name));
  }
  for (const table of QUERY_TABLES) {
    const spec = TABLES[table];
    const dir = join(root, spec.dir);
    for (const name of await listDir(dir)) {
      const seq = parseShardFileName(spec, name);
      if (name.endsWith('.tmp')) doomed.push(join(dir, name));
      else if (seq !== undefined && seq > manifest.sequence) {
        // Only the next sequence can be in flight: anything past it means the manifest was lost, not a crash.
        if (!manifestExists && seq > 1) {
          throw new LaminiError(
            ErrorCodes.MANIFEST_CORRUPT,
            `${join(root, MANIFEST_FILE)} is missing but ${join(dir, name)} exists; refusing to delete committed shards`,
            { details: { root, file: join(dir, name) } },
          );
        }
        doomed.push(join(dir, name));
      }
    }
  }
  for (const path of doomed) await rm(path, { force: true });
  for (const dir of new Set(doomed.map((path) => dirname(path)))) await fsyncDir(dir);
  return doomed.length;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
