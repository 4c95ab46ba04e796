import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDedupIndex, createDedupOperator, restoreDedupState, MinHashIndex, ExactIndex } from '../../../operators/dedup/index.ts';
import { instructionId } from '../../../operators/generate/instruction.ts';
import { defaultConfig, loadConfig } from '../../../common/config.ts';
import { LaminiError } from '../../../common/errors.ts';
import type { Dropped, Instruction } from '../../../schemas/types.ts';
import { editedCorpus } from './corpus.ts';

const instr = (text: string, task = 1): Instruction => ({
  id: instructionId(text), instruction: text, input: '', instruction_source: 'self_instruct_without_topic',
  generation_mode: 'example_guided', seed_ids: ['a'], topics: [], task_number: task, task_outputs: 2,
  teacher_model: 'm', prompt_version: 'lamini-v1', prompt_tokens: 5, completion_tokens: 7, cost_usd: 0.01, created_at: 1,
});

const outcome = async (op: ReturnType<typeof createDedupOperator>, rec: Instruction): Promise<string> => {
  const out = (await op.process(rec)).emit[0]!;
  if (out.topic === 'instructions.unique') return 'kept';
  const d = out.record as Dropped;
  return `${d.reason}:${d.duplicate_of}`;
};

test('the config selects the index: MinHash by default, exact on request', () => {
  const c = defaultConfig();
  assert.ok(createDedupIndex(c.dedup) instanceof MinHashIndex);
  assert.equal((createDedupIndex(c.dedup) as MinHashIndex).name, '3ng_128perm_32b4r_t0.7');
  assert.ok(createDedupIndex({ ...c.dedup, mode: 'exact' }) instanceof ExactIndex);
  const fast = loadConfig({ env: {}, flags: { 'dedup.signature': 'classic', 'dedup.threshold': '0.8' }, cwd: '/nonexistent' });
  assert.equal((createDedupIndex(fast.dedup) as MinHashIndex).name, '3ng_128perm_25b5r_t0.8_classic');
  assert.throws(() => loadConfig({ env: {}, flags: { 'dedup.threshold': 1.2 }, cwd: '/nonexistent' }), LaminiError);
  assert.throws(() => loadConfig({ env: {}, flags: { 'dedup.mode': 'fuzzy' }, cwd: '/nonexistent' }), LaminiError);
});

test('operator with the MinHash index: near_duplicate with duplicate_of, exact_duplicate, already_committed', async () => {
  const first = 'Write a short poem about the sea at night and the stars above it';
  const op = createDedupOperator(restoreDedupState([{ id: instructionId(first), instruction: first, taskNumber: 3 }], createDedupIndex(defaultConfig().dedup)));
  assert.match(op.descriptor.stateDescription ?? '', /3ng_128perm_32b4r_t0\.7/);
  assert.equal(await outcome(op, instr(first, 3)), `already_committed:${instructionId(first)}`);
  assert.equal(await outcome(op, instr(first.toUpperCase(), 4)), `exact_duplicate:${instructionId(first)}`);
  assert.equal(await outcome(op, instr(`${first}, please`, 5)), `near_duplicate:${instructionId(first)}`);
  assert.equal(await outcome(op, instr('Write a short story about a lighthouse keeper', 6)), 'kept');
  assert.equal(await outcome(op, instr('Name a planet', 7)), 'kept');
  assert.equal(await outcome(op, instr('name a planet!', 9)), `near_duplicate:${instructionId('Name a planet')}`);
  assert.equal(await outcome(op, instr('NAME a  planet', 8)), `exact_duplicate:${instructionId('Name a planet')}`);
});

test('operator restart: state from a snapshot plus the committed instructions after it = uninterrupted', async () => {
  const texts = editedCorpus(120, 20, 5).map((r, i) => instr(r.text, i + 1));
  const config = defaultConfig().dedup;
  const whole = createDedupOperator(restoreDedupState([], createDedupIndex(config)));
  const expected: string[] = [];
  for (const t of texts) expected.push(await outcome(whole, t));

  // First life: 70 records; the kept ones are "committed"; a snapshot covers the first 40 commits.
  const index = createDedupIndex(config) as MinHashIndex;
  const first = createDedupOperator(restoreDedupState([], index));
  const committed: Array<{ id: string; instruction: string; taskNumber: number }> = [];
  let snapshot: Uint8Array | undefined;
  for (const t of texts.slice(0, 70)) {
    if ((await outcome(first, t)) === 'kept') committed.push({ id: t.id, instruction: t.instruction, taskNumber: t.task_number });
    if (committed.length === 40 && snapshot === undefined) snapshot = index.snapshot({ committed: 40 });
  }
  assert.ok(snapshot !== undefined && committed.length > 40);
  // Second life: restore the snapshot, replay only the commits after it, then continue the input.
  const restored = MinHashIndex.restore(snapshot);
  const second = createDedupOperator(restoreDedupState(committed, restored.index, restored.covers.committed as number));
  const got = [...expected.slice(0, 70)];
  for (const t of texts.slice(70)) got.push(await outcome(second, t));
  assert.deepEqual(got, expected);
  // The replay of a committed task's instruction is recognised after the restart too.
  assert.match(await outcome(second, texts.find((t) => t.id === committed[45]!.id)!), /^already_committed:/);
});
