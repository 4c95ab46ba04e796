/**
 * The replay log, `<data-dir>/dlq/replayed.jsonl`: one line per dead letter `lamini dlq replay` sent
 * back, so a second replay never sends it again, whatever --reason filters either one had (a consumer
 * group's committed position could not do that: letters a filter skipped must stay replayable later).
 *
 *   {"mark":"<letter id>@<source topic>/<partition>/<offset>","reason":"teacher_http","topic":"lamini.instructions.unique","at":1732440000000}
 *
 * Lines are appended after their records were sent and fsynced before the replay reports them. A crash
 * between the two resends those letters once more, which costs at most their teacher calls: every record
 * has a deterministic id and the sink is idempotent on it. A torn last line (a crash while appending) is
 * ignored by a read and cut off by the next append, so new lines never glue onto it; a bad line anywhere
 * else is a corrupt log, reported with its line number.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { fsyncDir, fsyncFile, readTextIfExists } from '../corpus/fsutil.ts';

export interface ReplayLogEntry {
  mark: string;
  reason: string;
  topic: string;
  at: number;
}

export function replayLogPath(dataDir: string): string {
  return join(dataDir, 'dlq', 'replayed.jsonl');
}

/** The marks of every letter replayed so far (empty when nothing was). */
export async function readReplayLog(dataDir: string): Promise<Set<string>> {
  const path = replayLogPath(dataDir);
  const text = (await readTextIfExists(path)) ?? '';
  const lines = text.split('\n');
  const marks = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const mark = parseLine(line);
    if (mark !== undefined) marks.add(mark);
    else if (i < lines.length - 1) {
      throw new LaminiError(ErrorCodes.DLQ_LOG_CORRUPT, `${path}: line ${i + 1} is not a replay log entry`, { details: { path, line: i + 1 } });
    }
  });
  return marks;
}

/** Appends the entries and makes them durable. */
export async function appendReplayLog(dataDir: string, entries: readonly ReplayLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const path = replayLogPath(dataDir);
  await mkdir(dirname(path), { recursive: true });
  const created = !existsSync(path);
  if (!created) await cutTornTail(path);
  await appendFile(path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  await fsyncFile(path);
  if (created) await fsyncDir(dirname(path));
}

/**
 * A last line without its newline (a torn append) is cut back to the end of the last whole line, or ended
 * when it is a whole entry (torn just before its newline), so that the next append starts a line of its own.
 */
async function cutTornTail(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const bytes = await handle.readFile();
    if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
    const lineStart = bytes.lastIndexOf(0x0a) + 1;
    if (parseLine(bytes.subarray(lineStart).toString('utf8')) !== undefined) await handle.write('\n', bytes.length);
    else await handle.truncate(lineStart);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function parseLine(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as Partial<ReplayLogEntry> | null;
    return typeof entry?.mark === 'string' ? entry.mark : undefined;
  } catch {
    return undefined;
  }
}
