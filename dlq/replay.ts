/**
 * `lamini dlq replay` on a transport: read every letter in the dead-letter topic (a throwaway group,
 * so the sink's progress does not move), plan which go back (dlq/plan.ts), send each record
 * to its source topic with its key, then record it in the replay log. Letters live in memory for the
 * plan: a dead-letter topic holds a small share of a pipeline's records, bounded by its retention.
 *
 * One replay at a time per data dir: a replay that sends takes `<data-dir>/dlq/replay.lock` (corpus/lock.ts:
 * the holder's pid; a dead holder's lock is taken over) before it reads the replay log and keeps it until the
 * log holds what it sent, so two replays never both send the letters neither has logged yet. A dry run
 * reads only and takes no lock.
 *
 * The replayed records are processed by whatever runs next on those topics (`lamini run --transport
 * kafka` or `lamini operator ...`); their outputs reach the sink, which commits them even though their
 * tasks are done (operators/sink/sink.ts, tasksDone).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCodes, LaminiError, isLaminiError } from '../common/errors.ts';
import { acquireLock, type Lock } from '../corpus/lock.ts';
import type { DeadLetter } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { isRegistryOutage } from '../streams/dead-letter.ts';
import { scanTopic } from '../streams/scan.ts';
import { Topics, type TopicName } from '../streams/topics.ts';
import type { Transport } from '../streams/transport.ts';
import { appendReplayLog, readReplayLog, replayLogPath, type ReplayLogEntry } from './log.ts';
import { planReplay, topicTypes, type ReplayCounts, type ReplayFilter, type ReplaySend } from './plan.ts';

/** Bytes in the dead-letter topic that are not a DeadLetter: counted under this reason, never sent. */
export const UNREADABLE_LETTER = 'dead_letter_unreadable';
/** Header on a replayed record naming the letter it came from (its replay-log mark), for tracing. */
export const REPLAY_HEADER = 'lamini-replay-of';
/** Records sent (and logged) at a time. */
const CHUNK = 256;

export interface ReplayRunOptions {
  transport: Transport;
  /** Topic name as the transport knows it (Kafka prefixes them). */
  topicName: (name: TopicName) => string;
  codec: RecordCodec;
  /** Where the replay log lives. */
  dataDir: string;
  filter: ReplayFilter;
  /** Count only: send nothing, log nothing. */
  dryRun: boolean;
  now?: () => number;
  signal?: AbortSignal;
}

export interface ReplayResult {
  counts: ReplayCounts;
  notReplayableWhy: Record<string, string>;
}

export async function replayDeadLetters(o: ReplayRunOptions): Promise<ReplayResult> {
  const lock = o.dryRun ? undefined : await lockReplay(o.dataDir);
  try {
    return await replayLocked(o);
  } finally {
    await lock?.release();
  }
}

/** `<data-dir>/dlq/replay.lock`, or DLQ_REPLAY_LOCKED naming the replay that holds it. */
export async function lockReplay(dataDir: string): Promise<Lock> {
  const path = join(dirname(replayLogPath(dataDir)), 'replay.lock');
  await mkdir(dirname(path), { recursive: true });
  try {
    return await acquireLock(path);
  } catch (error) {
    if (!isLaminiError(error, ErrorCodes.CORPUS_LOCKED)) throw error;
    const holder = error.details['holder'] as { pid: number; hostname: string; started_at: string } | undefined;
    const by = holder === undefined ? '' : ` (pid ${holder.pid} on ${holder.hostname} since ${holder.started_at})`;
    throw new LaminiError(ErrorCodes.DLQ_REPLAY_LOCKED,
      `another lamini dlq replay holds ${path}${by}: let it finish, then replay again`, { cause: error, details: { path } });
  }
}

async function replayLocked(o: ReplayRunOptions): Promise<ReplayResult> {
  const now = o.now ?? Date.now;

  const raw: Uint8Array[] = [];
  await scanTopic(o.transport, o.topicName(Topics.dlq), (m) => {
    raw.push(m.value);
  }, o.signal === undefined ? {} : { signal: o.signal });
  const letters: DeadLetter[] = [];
  let unreadable = 0;
  for (const value of raw) {
    try {
      letters.push((await o.codec.decode('DeadLetter', value)) as DeadLetter);
    } catch (error) {
      if (isRegistryOutage(error)) throw error;
      unreadable++;
    }
  }

  const plan = await planReplay(letters, { filter: o.filter, replayed: await readReplayLog(o.dataDir), codec: o.codec, topicType: topicTypes(o.topicName) });
  if (unreadable > 0) {
    plan.counts.notReplayable += unreadable;
    plan.counts.byReason[UNREADABLE_LETTER] = { replayed: 0, skipped: 0, notReplayable: unreadable, alreadyReplayed: 0 };
    plan.notReplayableWhy[UNREADABLE_LETTER] = 'bytes in the dead-letter topic that are not a DeadLetter record';
  }
  if (!o.dryRun) await sendReplays(o.transport, plan.sends, (chunk) => appendReplayLog(o.dataDir, replayLogEntries(chunk, now())));
  return { counts: plan.counts, notReplayableWhy: plan.notReplayableWhy };
}

/**
 * Sends each record to its topic with its key and a header naming its letter, in chunks per topic;
 * `accepted` is told of each chunk once the transport took it.
 */
export async function sendReplays(transport: Transport, sends: readonly ReplaySend[], accepted: (chunk: readonly ReplaySend[]) => Promise<void> = async () => {}): Promise<void> {
  const producer = transport.producer();
  try {
    const byTopic = new Map<string, ReplaySend[]>();
    for (const s of sends) {
      const list = byTopic.get(s.topic) ?? [];
      list.push(s);
      byTopic.set(s.topic, list);
    }
    for (const [topic, list] of byTopic) {
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK);
        await producer.send(topic, chunk.map((s) => ({ key: s.key, value: s.value, headers: { [REPLAY_HEADER]: s.mark } })));
        await accepted(chunk);
      }
    }
  } finally {
    await producer.close();
  }
}

/** The replay-log lines of sent records, and of the copies of their letters each one sent for. */
export function replayLogEntries(sends: readonly ReplaySend[], at: number): ReplayLogEntry[] {
  return sends.flatMap((s) => [s.mark, ...s.copies].map((mark) => ({ mark, reason: s.letter.reason, topic: s.topic, at })));
}
