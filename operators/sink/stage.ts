/**
 * The sink as the terminal stage of the runner: it reads the terminal topics (examples, drops, dead letters)
 * and the teacher ledger rows of operator processes, feeds the SinkBuffer (sink.ts), and when a shard is due
 * commits it to the corpus together with the input positions it covers; only then does the runner commit
 * them to the group. Records it cannot decode become dead letters in the same commit, never a silent drop,
 * and never go back into the dead-letter topic it reads (that would loop): such a letter's reason is
 * `dlq_decode_failed`, apart from the `decode_failed` of the other topics.
 */
import { none } from '../../streams/operator.ts';
import { input, type Stage } from '../../streams/stage.ts';
import { Topics, type TopicName } from '../../streams/topics.ts';
import type { TopicPosition } from '../../streams/transport.ts';
import { SINK_ID, type SinkBatch, type SinkBuffer } from './sink.ts';

/** Where the sink's shards go: the corpus adapter commits a batch and the positions it covers atomically. */
export interface CommitSink {
  commit(batch: SinkBatch, positions: TopicPosition[]): Promise<void>;
}

/** The topics the sink reads. */
export const SINK_INPUTS: readonly TopicName[] = [Topics.examples, Topics.dropped, Topics.dlq, Topics.teacherRequests];

export interface SinkStageOptions {
  buffer: SinkBuffer;
  store: CommitSink;
  now: () => number;
  /** Commit now even if no shard is due (a draining run wants its last tasks marked done). */
  flushWhen?: () => boolean;
  /** Positions to read from first (the manifest's, so a restart neither loses nor repeats). */
  startAt?: readonly TopicPosition[];
  onCommit?: (batch: SinkBatch) => void;
}

export function sinkStage(o: SinkStageOptions): Stage {
  const { buffer } = o;
  return {
    id: SINK_ID,
    ordered: true,
    concurrency: 1,
    inputs: [
      input(Topics.examples, async (record) => {
        buffer.addExample(record, o.now());
        return none();
      }),
      input(Topics.dropped, async (record) => {
        buffer.addDropped(record, o.now());
        return none();
      }),
      input(Topics.dlq, async (record) => {
        buffer.addDeadLetter(record, o.now());
        return none();
      }),
      input(Topics.teacherRequests, async (record) => {
        buffer.addTeacherRequest(record, o.now());
        return none();
      }),
    ],
    hold: {
      due: (now) => buffer.due(now) || o.flushWhen?.() === true,
      async flush(positions) {
        const batch = buffer.take();
        await o.store.commit(batch, positions);
        o.onCommit?.(batch);
      },
    },
    deadLetter: (letter) => buffer.addDeadLetter(letter, o.now()),
    ...(o.startAt === undefined ? {} : { startAt: o.startAt }),
  };
}
