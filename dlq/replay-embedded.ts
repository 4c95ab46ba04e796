/**
 * `lamini dlq replay` on the embedded transport. Its topics live in one process and are gone after a run,
 * so the letters come from the corpus (its committed `dead_letters`), and a replay is a run of its own:
 * a fresh embedded transport with generate, dedup (restored from the corpus, as `lamini run` does),
 * respond and the sink (pipeline/run.ts, startStages); the chosen records go into their source topics,
 * and the run goes on until it is quiet — every group has committed every message, so the sink has
 * committed what they produced — then stops. Nothing is planned: the letters' tasks stay as they are
 * (the sink commits late records of done tasks without reopening them, SinkBuffer.tasksDone).
 *
 * The replay log (dlq/log.ts) is written only once the run is quiet: an in-memory topic
 * is not durable, so a letter counts as replayed when what its record produced is committed. A replay
 * stopped before that (stalled, interrupted, crashed) logs nothing and the next one sends those letters
 * again; the sink is idempotent on example id and the teacher's response cache keeps what was paid for.
 */
import type { Config } from '../common/config.ts';
import type { Manifest } from '../corpus/index.ts';
import { SINK_ID, SinkBuffer, type SinkBatch } from '../operators/sink/sink.ts';
import type { Seed } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { EmbeddedTransport } from '../streams/embedded.ts';
import { PipelineStats } from '../streams/stats.ts';
import { allTopics } from '../streams/topics.ts';
import type { Teacher } from '../teacher/types.ts';
import { committedDeadLetters } from '../corpus/pipeline-store.ts';
import { appendReplayLog, readReplayLog } from './log.ts';
import { embeddedLetterMark, planReplay, topicTypes, type ReplayFilter, type ReplayPlan, type ReplaySend } from './plan.ts';
import { replayLogEntries, sendReplays } from './replay.ts';
import type { PipelineStore } from '../pipeline/run.ts';
import { middleStages, sinkStage, startStages } from '../pipeline/stages.ts';

const sameName = (name: string): string => name;

export interface CorpusPlanOptions {
  dataDir: string;
  /** The snapshot to read: the writer's under the lock for a replay, the published one for a count. */
  manifest: Manifest;
  filter: ReplayFilter;
  codec: RecordCodec;
}

/** Which committed letters go back, and the counts, as dlq/plan.ts plans them. */
export async function planCorpusReplay(o: CorpusPlanOptions): Promise<ReplayPlan> {
  return planReplay(await committedDeadLetters(o.dataDir, o.manifest), {
    filter: o.filter, replayed: await readReplayLog(o.dataDir), codec: o.codec, topicType: topicTypes(sameName), mark: embeddedLetterMark,
  });
}

export interface ReplayRunOptions {
  /** The run's configuration (the teacher's, as cli/commands/teacher-setup.ts adjusts it). */
  config: Config;
  store: PipelineStore;
  teacher: Teacher;
  /** A second teacher for the response calls (`teacher.response`). */
  responseTeacher?: Teacher;
  /** The seed pool: a replayed generation task names its seeds by id. */
  seeds: readonly Seed[];
  codec: RecordCodec;
  /** Where the replay log lives. */
  dataDir: string;
  sends: readonly ReplaySend[];
  signal?: AbortSignal;
  now?: () => number;
  /** How often the run looks whether it is quiet (default 50 ms). */
  pollMs?: number;
}

export interface ReplayOutcome {
  /** quiet: everything sent was processed and committed, and logged; the others log nothing. */
  stoppedBy: 'quiet' | 'stalled' | 'interrupted';
  /** What the replay run committed to the corpus. */
  examples: number;
  dropped: number;
  deadLetters: number;
  /** Examples the corpus already had (not written again). */
  duplicates: number;
  seconds: number;
}

export async function runReplay(o: ReplayRunOptions): Promise<ReplayOutcome> {
  const now = o.now ?? Date.now;
  const startedAt = now();
  const transport = new EmbeddedTransport({ capacity: o.config.run.channelCapacity });
  const outcome: ReplayOutcome = { stoppedBy: 'quiet', examples: 0, dropped: 0, deadLetters: 0, duplicates: 0, seconds: 0 };
  try {
    await transport.createTopics(allTopics(sameName, 1));
    const start = o.store.progress();
    const runSeed = start.runSeed ?? o.config.runSeed;
    const stats = new PipelineStats();
    const stop = new AbortController();
    const buffer = new SinkBuffer(o.config.sink, await o.store.committedExampleIds());
    buffer.tasksDone(start.taskWatermark, start.doneTasksAbove);
    let commits = 0;
    const onCommit = (batch: SinkBatch): void => {
      commits++;
      outcome.examples += batch.examples.length;
      outcome.dropped += batch.dropped.length;
      outcome.deadLetters += batch.deadLetters.length;
      outcome.duplicates += batch.skippedDuplicates;
    };
    const quiet = (groups: readonly string[]): boolean => groups.every((g) => transport.queueDepth(g) === 0);
    // Every stage but the planner: the replayed records go into their source topics instead.
    const upstream = middleStages({
      config: o.config, teacher: o.teacher, responseTeacher: o.responseTeacher, seeds: o.seeds, now,
      dedup: { committed: await o.store.committedInstructions() },
    }).map(({ stage }) => stage);
    const sink = sinkStage({
      buffer, onCommit, now,
      // One commit once the operators are done, rather than waiting for a shard to be due.
      flushWhen: () => quiet(upstream.map((s) => s.id)) && transport.queueDepth(SINK_ID) > 0,
      store: { commit: (batch, positions) => o.store.commit(batch, positions, runSeed) },
    });
    const stages = startStages([...upstream, sink].map((stage) => ({ stage })), {
      transport, codec: o.codec, topicName: sameName, stats, signal: stop.signal, now, onFailure: () => stop.abort(),
    });

    let sent = false;
    const sending = sendReplays(transport, o.sends).then(() => {
      sent = true;
    });
    sending.catch(() => stop.abort());
    // Progress: records any stage finished, and commits. None for the stall timeout: stop.
    const moved = (): number => commits + [...stats.operators.values()].reduce((n, c) => n + c.total, 0);
    let seen = moved();
    let lastMove = now();
    while (!stop.signal.aborted) {
      if (o.signal?.aborted === true) {
        outcome.stoppedBy = 'interrupted';
        break;
      }
      if (sent && quiet([...upstream, sink].map((s) => s.id))) break;
      if (moved() !== seen) {
        seen = moved();
        lastMove = now();
      } else if (now() - lastMove > o.config.run.stallTimeoutMs) {
        outcome.stoppedBy = 'stalled';
        break;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 50));
    }
    stop.abort();
    await stages.settled;
    if (stages.failure() !== undefined) throw stages.failure();
    await transport.close();
    await sending.catch((error: unknown) => {
      if (outcome.stoppedBy === 'quiet') throw error;
    });
    if (outcome.stoppedBy === 'quiet') await appendReplayLog(o.dataDir, replayLogEntries(o.sends, now()));
    outcome.seconds = (now() - startedAt) / 1000;
    return outcome;
  } finally {
    await transport.close();
  }
}
