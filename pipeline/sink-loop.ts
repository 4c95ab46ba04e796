/**
 * The sink adapter: reads the terminal topics (examples, drops, dead letters) and the teacher ledger rows
 * of operator processes (`teacher-requests`), feeds the SinkBuffer,
 * and when a shard is due commits it to the corpus and then the positions it covers. Records it
 * cannot decode become dead letters in the same commit, never a silent drop.
 */
import { describeError } from '../common/errors.ts';
import { SINK_ID, SinkBuffer, type SinkBatch } from '../operators/sink/sink.ts';
import type { DeadLetter, Dropped, Example, TeacherRequest } from '../schemas/types.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { deadLetterRecord, decodeFailureReason, isRegistryOutage } from '../streams/dead-letter.ts';
import type { PipelineStats } from '../streams/stats.ts';
import { TOPIC_TYPES, Topics, type TopicName } from '../streams/topics.ts';
import { nextPositions, type ConsumedMessage, type TopicPosition, type Transport } from '../streams/transport.ts';

export interface CommitSink {
  commit(batch: SinkBatch, positions: TopicPosition[]): Promise<void>;
}

export interface SinkLoopOptions {
  transport: Transport;
  codec: RecordCodec;
  stats: PipelineStats;
  buffer: SinkBuffer;
  store: CommitSink;
  signal: AbortSignal;
  /** Commit now even if no shard is due (a draining run wants its last tasks marked done). */
  flushWhen?: () => boolean;
  topicName?: (name: string) => string;
  /** Positions to read from first (the manifest's, so a restart neither loses nor repeats). */
  startAt?: readonly TopicPosition[];
  now?: () => number;
  onCommit?: (batch: SinkBatch) => void;
}

/** The topics the sink reads: the terminal records of tasks, and the teacher ledger rows of operator processes. */
export const SINK_INPUTS: readonly TopicName[] = [Topics.examples, Topics.dropped, Topics.dlq, Topics.teacherRequests];

/**
 * Reason of a record in the dead-letter topic that the sink cannot read. The sink stores it as a dead
 * letter of its own in the corpus (never back into the topic, which would loop), apart from the
 * `decode_failed` of the other topics so that `lamini dlq replay --reason decode_failed` leaves it alone.
 */
export const DLQ_DECODE_FAILED = 'dlq_decode_failed';

export async function runSinkLoop(options: SinkLoopOptions): Promise<void> {
  const { transport, codec, buffer, store, signal, stats } = options;
  const name = options.topicName ?? ((n: string) => n);
  const now = options.now ?? Date.now;
  const byTopic = new Map(SINK_INPUTS.map((t) => [name(t), { type: TOPIC_TYPES[t] }]));
  const consumer = await transport.consumer({ group: SINK_ID, topics: [...byTopic.keys()] });
  for (const p of options.startAt ?? []) if (byTopic.has(p.topic)) consumer.seek(p);
  const counters = stats.for(SINK_ID);
  let pending: ConsumedMessage[] = [];

  const flush = async (): Promise<void> => {
    const batch = buffer.take();
    const positions = nextPositions(pending);
    await store.commit(batch, positions);
    await consumer.commit(positions);
    pending = [];
    options.onCommit?.(batch);
  };

  const add = async (m: ConsumedMessage): Promise<void> => {
    counters.total++;
    const t = byTopic.get(m.topic);
    const at = now();
    try {
      if (t === undefined) throw new Error(`unexpected topic ${m.topic}`);
      const record = await codec.decode(t.type, m.value);
      if (t.type === 'Example') buffer.addExample(record as Example, at);
      else if (t.type === 'Dropped') buffer.addDropped(record as Dropped, at);
      else if (t.type === 'TeacherRequest') buffer.addTeacherRequest(record as TeacherRequest, at);
      else buffer.addDeadLetter(record as DeadLetter, at);
      counters.forwarded++;
    } catch (error) {
      if (isRegistryOutage(error)) throw error;
      counters.dead++;
      const reason = t?.type === 'DeadLetter' ? DLQ_DECODE_FAILED : decodeFailureReason(error);
      stats.reason(SINK_ID, reason);
      const draft = { reason, message: describeError(error), payload: m.value, taskNumber: -1, taskOutputs: 0 };
      buffer.addDeadLetter(deadLetterRecord(SINK_ID, draft, m, at), at);
    }
  };

  try {
    while (!signal.aborted) {
      const batch = await consumer.poll({ maxMessages: 512, maxWaitMs: 200, signal });
      for (const m of batch) await add(m);
      pending.push(...batch);
      if (buffer.due(now()) || options.flushWhen?.() === true) await flush();
    }
    // Final flush on a clean stop: whatever arrived is committed, and nothing is lost.
    for (;;) {
      const rest = await consumer.poll({ maxMessages: 512, maxWaitMs: 0 });
      if (rest.length === 0) break;
      for (const m of rest) await add(m);
      pending.push(...rest);
    }
    if (buffer.rows > 0 || pending.length > 0) await flush();
  } finally {
    await consumer.close();
  }
}
