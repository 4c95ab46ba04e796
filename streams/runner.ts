/**
 * The operator runner: the mechanics every operator shares, on any transport. It polls a batch,
 * decodes each record (bytes it cannot read become dead letters; a schema registry it cannot reach
 * stops it), calls the operator (with bounded
 * concurrency for stateless operators, one at a time for ordered ones), encodes and sends what it
 * emits, dead-letters what it could not handle, and only then commits the batch's positions. An ordered
 * operator with a checkpoint (streams/checkpoint.ts) first replays the input its restored state does not
 * cover, and offers its state for saving after each commit.
 */
import { describeError } from '../common/errors.ts';
import type { DeadLetterDraft, Emission, Operator, OperatorOutput } from '../operators/types.ts';
import { CommittedPositions, replayInput, replayPlan, type OperatorCheckpoint } from './checkpoint.ts';
import type { RecordCodec } from './codec.ts';
import { deadLetterRecord, decodeFailureReason, isRegistryOutage } from './dead-letter.ts';
import type { PipelineStats } from './stats.ts';
import { Topics } from './topics.ts';
import { nextPositions, type ConsumedMessage, type Transport, type OutgoingMessage } from './transport.ts';

export interface RunOperatorOptions {
  transport: Transport;
  codec: RecordCodec;
  stats: PipelineStats;
  /** Records processed at once by a stateless operator. */
  concurrency: number;
  signal: AbortSignal;
  /** Topic name as the transport knows it (Kafka prefixes them). */
  topicName?: (name: string) => string;
  now?: () => number;
  /**
   * Records to send with each batch's outputs, before its positions are committed, and once more when the
   * loop ends (an operator process's teacher ledger rows: pipeline/kafka-operator.ts).
   */
  sideOutputs?: () => Emission[];
  /** The operator's state checkpoint: replay on start, save after commits (ordered operators). */
  checkpoint?: OperatorCheckpoint;
}

export async function runOperator(op: Operator<never>, options: RunOperatorOptions): Promise<void> {
  const { transport, codec, stats, signal } = options;
  const name = options.topicName ?? ((n: string) => n);
  const now = options.now ?? Date.now;
  const id = op.descriptor.id;
  const concurrency = op.descriptor.state === 'ordered' ? 1 : Math.max(1, options.concurrency);
  const consumer = await transport.consumer({ group: id, topics: [name(op.descriptor.input)] });
  const producer = transport.producer();
  const counters = stats.for(id);

  const handle = async (m: ConsumedMessage): Promise<OperatorOutput> => {
    let record: object;
    try {
      record = await codec.decode(op.descriptor.inputType, m.value);
    } catch (error) {
      if (isRegistryOutage(error)) throw error;
      return { emit: [], dead: [draft(decodeFailureReason(error), describeError(error), m.value)] };
    }
    try {
      return await op.process(record as never, signal);
    } catch (error) {
      return { emit: [], dead: [draft('operator_error', describeError(error), m.value)] };
    }
  };

  const checkpoint = options.checkpoint;
  const committed = new CommittedPositions();
  // The state is saved only when it covers exactly the committed positions: not after an incomplete replay,
  // and not while a batch is processed but not committed.
  let saving = checkpoint !== undefined;
  let dirty = false;
  try {
    if (checkpoint !== undefined) {
      const start = await consumer.committed();
      committed.set(start);
      if (checkpoint.covers === undefined) await checkpoint.save(committed.list(), { records: 0, force: true });
      else {
        const replay = await replayInput(consumer, replayPlan(checkpoint.covers, start), async (m) => {
          await handle(m);
        }, { signal });
        checkpoint.replayed?.(replay.records, replay.complete);
        saving = replay.complete;
      }
    }
    while (!signal.aborted) {
      const batch = await consumer.poll({ maxMessages: Math.max(16, concurrency * 2), maxWaitMs: 250, signal });
      if (batch.length === 0) continue;
      dirty = true;
      const results = await mapLimit(batch, concurrency, handle);
      // Stopped mid-batch: send and commit nothing; the batch is work in flight, redone on restart.
      if (signal.aborted) break;
      const out = new Map<string, OutgoingMessage[]>();
      const push = (topic: string, key: string, value: Uint8Array): void => {
        const list = out.get(topic) ?? [];
        list.push({ key, value });
        out.set(topic, list);
      };
      results.forEach((result, i) => {
        counters.total++;
        for (const e of result.emit) {
          if (e.topic === Topics.dropped) {
            counters.dropped++;
            stats.reason(id, `dropped_${(e.record as { reason?: string }).reason ?? 'unknown'}`);
          } else counters.forwarded++;
          push(name(e.topic), e.key, codec.encode(e.type, e.record));
        }
        for (const d of result.dead) {
          counters.dead++;
          stats.reason(id, d.reason);
          const letter = deadLetterRecord(id, d, batch[i]!, now());
          push(name(Topics.dlq), letter.id, codec.encode('DeadLetter', letter));
        }
      });
      for (const e of options.sideOutputs?.() ?? []) push(name(e.topic), e.key, codec.encode(e.type, e.record));
      for (const [topic, messages] of out) await producer.send(topic, messages);
      const positions = nextPositions(batch);
      await consumer.commit(positions);
      dirty = false;
      committed.set(positions);
      if (saving) await checkpoint?.save(committed.list(), { records: batch.length, force: false });
    }
    if (saving && !dirty) await checkpoint?.save(committed.list(), { records: 0, force: true });
  } finally {
    await consumer.close();
    // What side outputs are left (calls of a batch cut short by the stop) still go out: they were made.
    const rest = new Map<string, OutgoingMessage[]>();
    for (const e of options.sideOutputs?.() ?? []) {
      rest.set(name(e.topic), [...(rest.get(name(e.topic)) ?? []), { key: e.key, value: codec.encode(e.type, e.record) }]);
    }
    try {
      for (const [topic, messages] of rest) await producer.send(topic, messages);
    } finally {
      await producer.close();
    }
  }
}

function draft(reason: string, message: string, payload: Uint8Array): DeadLetterDraft {
  return { reason, message, payload, taskNumber: -1, taskOutputs: 0 };
}

/** Results in input order, at most `limit` calls in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
