import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../../common/config.ts';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { createDedupIndex, createDedupOperator, decodeDedupCheckpoint, encodeDedupCheckpoint, restoreDedupState } from '../../../operators/dedup/index.ts';
import { MinHashIndex, type DedupState } from '../../../operators/dedup/index.ts';
import { minhashOptions } from '../../../operators/dedup/minhash/index.ts';
import { instructionId } from '../../../operators/generate/instruction.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import type { Dropped, Instruction } from '../../../schemas/types.ts';
import type { OperatorCheckpoint } from '../../../streams/checkpoint.ts';
import { replayPlan } from '../../../streams/checkpoint.ts';
import { EmbeddedTransport } from '../../../streams/embedded.ts';
import { runStage } from '../../../streams/runner.ts';
import { operatorStage } from '../../../streams/stage.ts';
import { PipelineStats } from '../../../streams/stats.ts';
import { Topics } from '../../../streams/topics.ts';
import type { ConsumedMessage, TopicPosition } from '../../../streams/transport.ts';
import { waitFor } from '../../helpers/kafka.ts';
import { editedCorpus } from './corpus.ts';

const config = defaultConfig().dedup;
const codec = defaultRegistry();

const records: Instruction[] = editedCorpus(60, 20, 5).map((r, i) => ({
  id: instructionId(r.text), instruction: r.text, input: '', instruction_source: 'self_instruct_without_topic',
  generation_mode: 'example_guided', seed_ids: ['a'], topics: [], task_number: i, task_outputs: 1,
  teacher_model: 'm', prompt_version: 'lamini-v1', prompt_tokens: 5, completion_tokens: 7, cost_usd: 0.01, created_at: 1,
}));

/** Decision per record: `kept`, or `reason:duplicate_of`. */
async function decide(state: DedupState, input: readonly Instruction[]): Promise<string[]> {
  const op = createDedupOperator(state, () => 1);
  const out: string[] = [];
  for (const rec of input) {
    const e = (await op.process(rec)).emit[0]!;
    out.push(e.topic === Topics.instructionsUnique ? 'kept' : `${(e.record as Dropped).reason}:${(e.record as Dropped).duplicate_of}`);
  }
  return out;
}

const fresh = (): DedupState => restoreDedupState([], createDedupIndex(config));

test('dedup checkpoint: snapshot at S, commits up to C, restart = restore + replay S..C + live from C, as if never stopped', async () => {
  const expected = await decide(fresh(), records);
  assert.ok(expected.filter((d) => d !== 'kept').length > 10, 'the corpus has near duplicates');
  const [S, C] = [24, 48];
  const at = (offset: number): TopicPosition[] => [{ topic: 'raw', partition: 0, offset }];

  // First life: S records, snapshot; on to C (committed) and 6 records in flight when it is killed.
  const first = fresh();
  await decide(first, records.slice(0, S));
  const bytes = encodeDedupCheckpoint(first, at(S))!;
  await decide(first, records.slice(S, C + 6));

  // Second life: the snapshot, the replay its plan asks for (outputs discarded), then live from C.
  const restored = decodeDedupCheckpoint(bytes, config);
  assert.deepEqual(restored.positions, at(S));
  const plan = replayPlan(restored.positions, at(C));
  assert.deepEqual({ from: plan.from, until: [...plan.until.values()], live: plan.live }, { from: at(S), until: [C], live: at(C) });
  const replayed = await decide(restored.state, records.slice(S, C));
  assert.deepEqual(replayed, expected.slice(S, C), 'the replay makes the decisions the first life made');
  assert.deepEqual(await decide(restored.state, records.slice(C)), expected.slice(C));

  // Without the replay (state from the corpus, which had committed only the kept records before S), an
  // instruction forwarded between S and C is forgotten and a later near duplicate of it is kept again.
  const committed = records.slice(0, S).filter((_, i) => expected[i] === 'kept').map((r) => ({ id: r.id, instruction: r.instruction, taskNumber: r.task_number }));
  assert.notDeepEqual(await decide(restoreDedupState(committed, createDedupIndex(config)), records.slice(C)), expected.slice(C));
});

test('dedup checkpoint: a snapshot of another index config, exact mode, and bad positions are refused or absent', () => {
  const state = fresh();
  const bytes = encodeDedupCheckpoint(state, [])!;
  const refused = (code: string) => (e: unknown): boolean => e instanceof LaminiError && e.code === code;
  assert.throws(() => decodeDedupCheckpoint(bytes, { ...config, threshold: 0.8 }), refused(ErrorCodes.DEDUP_SNAPSHOT_MISMATCH));
  assert.throws(() => decodeDedupCheckpoint(bytes, { ...config, mode: 'exact' }), refused(ErrorCodes.DEDUP_SNAPSHOT_MISMATCH));
  assert.equal(encodeDedupCheckpoint(restoreDedupState([], createDedupIndex({ ...config, mode: 'exact' })), []), undefined);
  const bad = new MinHashIndex(minhashOptions(config));
  const badPositions = bad.snapshot({ positions: [{ topic: 'raw', partition: 0, offset: -1 }], tasks: [] });
  assert.throws(() => decodeDedupCheckpoint(badPositions, config), refused(ErrorCodes.DEDUP_SNAPSHOT_INVALID));
});

test('replay plan: a partition the state never read replays from 0; a covered position past the committed one replays nothing and skips nothing', () => {
  const plan = replayPlan(
    [{ topic: 't', partition: 0, offset: 10 }, { topic: 't', partition: 2, offset: 9 }, { topic: 't', partition: 3, offset: 7 }],
    [{ topic: 't', partition: 0, offset: 30 }, { topic: 't', partition: 1, offset: 5 }, { topic: 't', partition: 2, offset: 4 }],
  );
  const offsets = (ps: TopicPosition[]): Array<[number, number]> => ps.map((p) => [p.partition, p.offset]);
  assert.deepEqual(offsets(plan.from), [[0, 10], [1, 0]]);
  assert.deepEqual([...plan.until.values()], [30, 5]);
  assert.deepEqual(offsets(plan.live), [[0, 30], [1, 5], [2, 4]]);
});

test('the runner with a dedup checkpoint: a killed first life and a restarted second one forward what one uninterrupted life would', async () => {
  const t = new EmbeddedTransport();
  const raw = Topics.instructionsRaw;
  await t.createTopics([{ name: raw, partitions: 1 }]);
  // A group that never reads keeps the input in the log, as Kafka's retention does.
  await t.consumer({ group: 'retention', topics: [raw] });
  const producer = t.producer();
  const send = (rs: readonly Instruction[]): Promise<void> => producer.send(raw, rs.map((r) => ({ key: r.id, value: codec.encode('Instruction', r) })));
  const life = async (state: DedupState, checkpoint: OperatorCheckpoint, until: number): Promise<void> => {
    const stop = new AbortController();
    let committedAt = 0;
    const tracking: OperatorCheckpoint = {
      covers: checkpoint.covers,
      save: async (positions, progress) => {
        committedAt = positions[0]?.offset ?? 0;
        await checkpoint.save(positions, progress);
      },
      replayed: (n, complete) => checkpoint.replayed?.(n, complete),
    };
    const run = runStage(operatorStage(createDedupOperator(state, () => 1), { concurrency: 1, checkpoint: tracking }), {
      transport: t, codec, stats: new PipelineStats(), signal: stop.signal, topicName: (n) => n,
    });
    await waitFor(() => committedAt >= until, { what: `dedup to commit ${until}` });
    stop.abort();
    await run;
  };

  // First life: saves one snapshot once 20 records are committed, commits all 56, and is killed (no final save).
  await send(records.slice(0, 56));
  const first = fresh();
  let snapshot: Uint8Array | undefined;
  let covers = -1;
  await life(first, {
    covers: undefined,
    async save(positions, progress) {
      if (snapshot !== undefined || progress.force) return;
      snapshot = encodeDedupCheckpoint(first, positions);
      covers = positions[0]!.offset;
    },
  }, 56);
  assert.ok(covers > 0 && covers < 56, `the snapshot covers ${covers} of 56 committed records`);

  await send(records.slice(56));
  const restored = decodeDedupCheckpoint(snapshot!, config);
  let replayed = -1;
  await life(restored.state, { covers: restored.positions, save: async () => {}, replayed: (n) => (replayed = n) }, records.length);
  assert.equal(replayed, 56 - covers, 'the records between the snapshot and the commit were replayed');

  const reader = await t.consumer({ group: 'reader', topics: [Topics.instructionsUnique, Topics.dropped] });
  const out: ConsumedMessage[] = [];
  await waitFor(async () => {
    out.push(...(await reader.poll({ maxMessages: 1000, maxWaitMs: 50 })));
    return out.length >= records.length;
  }, { what: 'every decision' });
  const forwarded = out.filter((m) => m.topic === Topics.instructionsUnique).map((m) => m.key);
  const drops = out.filter((m) => m.topic === Topics.dropped).map((m) => codec.decode('Dropped', m.value) as Dropped);
  const expected = await decide(fresh(), records);
  assert.deepEqual(forwarded.sort(), records.filter((_, i) => expected[i] === 'kept').map((r) => r.id).sort(), 'each kept instruction forwarded once');
  assert.deepEqual(drops.map((d) => `${d.reason}:${d.duplicate_of}`).sort(), expected.filter((d) => d !== 'kept').sort());
  await t.close();
});
