/**
 * The runner: the mechanics every stage shares, on any transport, for every stage of the pipeline (the planner,
 * generate, dedup, respond and the sink; streams/stage.ts). One loop:
 *
 *   poll ─▶ decode ─▶ handle ─▶ encode ─▶ send ─▶ commit
 *             │          │
 *             └──────────┴─▶ dead letter (the dead-letter topic, or kept by the stage)
 *
 * A stateless stage handles up to `concurrency` records at once and lets each go on as soon as it is done:
 * one slow teacher call holds back nobody else's outputs. Positions are committed only up to the oldest record
 * not yet done (streams/positions.ts), after the outputs of everything before it were sent, so a crash redoes
 * work but never loses it. An ordered stage handles one record at a time in arrival order. A terminal stage
 * (the sink) commits positions only with its own output (`Hold`); a source stage (the planner) is asked each
 * turn for records to produce. An ordered stage with a checkpoint first replays the input its restored state
 * does not cover (streams/checkpoint.ts), and offers its state for saving after each commit.
 *
 * Bytes a stage cannot decode become dead letters; a schema registry it cannot reach stops it. A record that
 * was in flight when the stage is stopped is neither sent nor committed: it is redone on restart.
 */
import { describeError } from '../common/errors.ts';
import { CommittedPositions, replayInput, replayPlan } from './checkpoint.ts';
import { decodeFrom, encodeEmission, type RecordCodec } from './codec.ts';
import { deadLetterRecord, decodeFailureReason, isRegistryOutage } from './dead-letter.ts';
import type { DeadLetterDraft, Emission, OperatorOutput } from './operator.ts';
import { PositionTracker } from './positions.ts';
import type { DeadLetterReason } from './reasons.ts';
import { Wakeup } from './signal.ts';
import type { Stage, StageInput } from './stage.ts';
import type { PipelineStats } from './stats.ts';
import { Topics, type TopicName } from './topics.ts';
import type { ConsumedMessage, OutgoingMessage, Transport } from './transport.ts';

export interface RunStageOptions {
  transport: Transport;
  codec: RecordCodec;
  stats: PipelineStats;
  signal: AbortSignal;
  /** Topic name as the transport knows it (Kafka prefixes them). */
  topicName: (name: TopicName) => string;
  now?: () => number;
}

/** Records an ordered stage reads at a time (a terminal one: as many as a shard may take at once). */
const ORDERED_POLL = 16;
const TERMINAL_POLL = 512;
/** How long a poll waits when nothing is in flight, and when something is (its outputs should go on soon). */
const IDLE_WAIT_MS = 250;
const BUSY_WAIT_MS = 20;

interface Done {
  m: ConsumedMessage;
  out: OperatorOutput;
}

export async function runStage(stage: Stage, options: RunStageOptions): Promise<void> {
  const { transport, codec, stats, signal, topicName } = options;
  const now = options.now ?? Date.now;
  const id = stage.id;
  const byName = new Map<string, StageInput>(stage.inputs.map((i) => [topicName(i.topic), i]));
  const consumer = byName.size > 0 ? await transport.consumer({ group: id, topics: [...byName.keys()] }) : undefined;
  for (const p of stage.startAt ?? []) if (byName.has(p.topic)) consumer?.seek(p);
  const producer = transport.producer();
  const counters = stats.for(id);
  const limit = stage.ordered ? 1 : Math.max(1, stage.concurrency);
  const orderedPoll = stage.hold === undefined ? ORDERED_POLL : TERMINAL_POLL;
  const tracker = new PositionTracker();
  const finished: Done[] = [];
  const wake = new Wakeup();
  let running = 0;
  /** A handler that failed outside the record (a registry outage): it stops the stage. */
  let failure: { error: unknown } | undefined;
  /** Records read ahead by a stateless stage, not started yet (in flight for the commit all the same). */
  const queued: ConsumedMessage[] = [];

  const handle = async (m: ConsumedMessage): Promise<OperatorOutput> => {
    const source = byName.get(m.topic);
    if (source === undefined) return deadOnly('decode_failed', `unexpected topic ${m.topic}`, m.value);
    let record;
    try {
      record = await decodeFrom(codec, source.topic, m.value);
    } catch (error) {
      if (isRegistryOutage(error)) throw error;
      const reason = stage.deadLetter !== undefined && source.topic === Topics.dlq ? 'dlq_decode_failed' : decodeFailureReason(error);
      return deadOnly(reason, describeError(error), m.value);
    }
    try {
      return await source.handle(record, m, signal);
    } catch (error) {
      if (isRegistryOutage(error)) throw error;
      return deadOnly('operator_error', describeError(error), m.value);
    }
  };

  /** Sends records, one `send` per topic. */
  const sendAll = async (records: ReadonlyArray<{ topic: TopicName; key: string; value: Uint8Array }>): Promise<void> => {
    const out = new Map<string, OutgoingMessage[]>();
    for (const r of records) {
      const name = topicName(r.topic);
      const list = out.get(name) ?? [];
      list.push({ key: r.key, value: r.value });
      out.set(name, list);
    }
    for (const [topic, messages] of out) await producer.send(topic, messages);
  };
  const encoded = (e: Emission): { topic: TopicName; key: string; value: Uint8Array } => ({ topic: e.topic, key: e.key, value: encodeEmission(codec, e) });

  /** Starts queued records while a slot is free; each finished record frees its slot and starts the next at once. */
  const startQueued = (): void => {
    while (running < limit && queued.length > 0 && !signal.aborted) {
      const m = queued.shift();
      if (m === undefined) break;
      running++;
      handle(m).then((out) => {
        running--;
        // Done after the stop: its outputs are not sent, and its position stays uncommitted.
        if (!signal.aborted) finished.push({ m, out });
        startQueued();
        wake.notify();
      }, (error: unknown) => {
        running--;
        failure ??= { error };
        wake.notify();
      });
    }
  };

  const held = new CommittedPositions();
  let heldRecords = 0;
  const committed = new CommittedPositions();
  const checkpoint = stage.checkpoint;
  // The state is saved only when it covers exactly the committed positions: not after an incomplete replay,
  // and not while records are read but not committed.
  let saving = checkpoint !== undefined;
  /** Sends what the finished records emitted, then commits the positions that became safe. */
  const settle = async (final: boolean): Promise<void> => {
    const batch = finished.splice(0);
    const out: Array<{ topic: TopicName; key: string; value: Uint8Array }> = [];
    for (const { m, out: result } of batch) {
      counters.total++;
      for (const e of result.emit) {
        if (e.topic === Topics.dropped) {
          counters.dropped++;
          stats.reason(id, `dropped_${e.record.reason}`);
        } else counters.forwarded++;
        out.push(encoded(e));
      }
      if (stage.hold !== undefined && result.dead.length === 0) counters.forwarded++;
      for (const d of result.dead) {
        counters.dead++;
        stats.reason(id, d.reason);
        const letter = deadLetterRecord(id, d, m, now());
        if (stage.deadLetter !== undefined) stage.deadLetter(letter);
        else out.push({ topic: Topics.dlq, key: letter.id, value: codec.encode('DeadLetter', letter) });
      }
    }
    for (const e of stage.sideOutputs?.() ?? []) out.push(encoded(e));
    await sendAll(out);
    for (const { m } of batch) tracker.finish(m);
    const moved = tracker.advance();
    if (consumer === undefined) return;
    if (stage.hold !== undefined) {
      held.set(moved);
      heldRecords += batch.length;
      const due = stage.hold.due(now());
      if (!due && !(final && heldRecords > 0)) return;
      const positions = held.list();
      await stage.hold.flush(positions);
      await consumer.commit(positions);
      held.clear();
      heldRecords = 0;
      return;
    }
    if (moved.length === 0) return;
    await consumer.commit(moved);
    committed.set(moved);
    if (saving && tracker.open === 0) await checkpoint?.save(committed.list(), { records: batch.length, force: false });
  };

  try {
    if (checkpoint !== undefined && consumer !== undefined) {
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
    let sourceFinished = false;
    while (!signal.aborted) {
      if (stage.produce !== undefined && !sourceFinished) {
        const produced = await stage.produce();
        await sendAll(produced.emit.map(encoded));
        sourceFinished = produced.finished;
      }
      if (consumer === undefined) {
        await settle(false);
        if (sourceFinished) break;
        if (finished.length === 0) await wake.wait(50, signal);
        continue;
      }
      // A stateless stage reads up to `limit` records ahead, so a finished call's slot is refilled at once.
      const room = stage.ordered ? orderedPoll : limit - queued.length;
      if (room > 0) {
        const busy = running > 0 || finished.length > 0 || stage.produce !== undefined;
        const batch = await consumer.poll({ maxMessages: room, maxWaitMs: busy ? BUSY_WAIT_MS : IDLE_WAIT_MS, signal });
        for (const m of batch) {
          tracker.read(m);
          if (!stage.ordered) {
            queued.push(m);
            continue;
          }
          const out = await handle(m);
          // A terminal stage keeps what it read (its handler only buffers); another stops mid-batch.
          if (signal.aborted && stage.hold === undefined) break;
          finished.push({ m, out });
        }
        startQueued();
      } else await wake.wait(IDLE_WAIT_MS, signal);
      if (failure !== undefined) throw failure.error;
      if (signal.aborted) break;
      await settle(false);
      if (sourceFinished && running === 0 && queued.length === 0 && tracker.open === 0 && finished.length === 0) break;
    }
    await settle(false);
    if (stage.hold !== undefined && consumer !== undefined) {
      // A clean stop: whatever arrived is committed with the stage's last output, and nothing is lost.
      for (;;) {
        const rest = await consumer.poll({ maxMessages: TERMINAL_POLL, maxWaitMs: 0 });
        if (rest.length === 0) break;
        for (const m of rest) {
          tracker.read(m);
          finished.push({ m, out: await handle(m) });
        }
      }
      await settle(true);
    }
    if (saving && tracker.open === 0) await checkpoint?.save(committed.list(), { records: 0, force: true });
  } finally {
    await consumer?.close();
    // What side outputs are left (calls cut short by the stop) still go out: they were made.
    try {
      await sendAll((stage.sideOutputs?.() ?? []).map(encoded));
    } finally {
      await producer.close();
    }
  }
}

function deadOnly(reason: DeadLetterReason, message: string, payload: Uint8Array): OperatorOutput {
  const draft: DeadLetterDraft = { reason, message, payload, taskNumber: -1, taskOutputs: 0 };
  return { emit: [], dead: [draft] };
}
