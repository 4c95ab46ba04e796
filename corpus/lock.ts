/**
 * One writer per data dir: `corpus/.lock` holds the writer's pid and host. A lock whose process is gone
 * (same host, pid not running) is stale and taken over; any other holder makes a second writer fail with
 * CORPUS_LOCKED. A pid reused by an unrelated process reads as alive: remove the file by hand then.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LaminiError, ErrorCodes } from '../common/errors.ts';

interface LockContent {
  pid: number;
  hostname: string;
  started_at: string;
}

/** An unreadable lock younger than this may be a writer between creating and filling it. */
const FRESH_UNREADABLE_MS = 10_000;

export interface Lock {
  path: string;
  release(): Promise<void>;
}

export async function acquireLock(path: string): Promise<Lock> {
  const mine: LockContent = { pid: process.pid, hostname: hostname(), started_at: new Date().toISOString() };
  const text = JSON.stringify(mine) + '\n';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { path, release: () => releaseLock(path, text) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder === 'stale') {
      await rm(path, { force: true });
      continue;
    }
    throw new LaminiError(
      ErrorCodes.CORPUS_LOCKED,
      `another writer holds ${path} (pid ${holder.pid} on ${holder.hostname} since ${holder.started_at})`,
      { details: { path, holder } },
    );
  }
  throw new LaminiError(ErrorCodes.CORPUS_LOCKED, `could not take ${path}: it keeps changing hands`, { details: { path } });
}

async function readHolder(path: string): Promise<LockContent | 'stale' | 'gone'> {
  let text: string;
  let ageMs: number;
  try {
    text = await readFile(path, 'utf8');
    ageMs = Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  let holder: LockContent | undefined;
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (Number.isSafeInteger(parsed.pid) && typeof parsed.hostname === 'string') holder = parsed as LockContent;
  } catch {
    holder = undefined;
  }
  if (holder === undefined) {
    if (ageMs < FRESH_UNREADABLE_MS) return { pid: -1, hostname: 'unknown', started_at: 'just now' };
    return 'stale';
  }
  if (holder.hostname !== hostname()) return holder;
  return isAlive(holder.pid) ? holder : 'stale';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseLock(path: string, text: string): Promise<void> {
  try {
    if ((await readFile(path, 'utf8')) === text) await rm(path, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
