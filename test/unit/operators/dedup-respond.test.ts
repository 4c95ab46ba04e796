import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDedupOperator, restoreDedupState } from '../../../operators/dedup/operator.ts';
import { createRespondOperator } from '../../../operators/respond/operator.ts';
import { instructionId } from '../../../operators/generate/instruction.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { Dropped, Example, Instruction } from '../../../schemas/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const instr = (text: string, task = 1): Instruction => ({
  id: instructionId(text), instruction: text, input: '', instruction_source: 'self_instruct_without_topic',
  generation_mode: 'example_guided', seed_ids: ['a'], topics: [], task_number: task, task_outputs: 2,
  teacher_model: 'm', prompt_version: 'lamini-v1', prompt_tokens: 5, completion_tokens: 7, cost_usd: 0.01, created_at: 1,
});

test('dedup keeps the first of equal normalised texts and drops later ones with duplicate_of', async () => {
  const op = createDedupOperator(restoreDedupState([]));
  const a = await op.process(instr('Name a  Planet'));
  assert.equal(a.emit[0]!.topic, 'instructions.unique');
  const b = await op.process(instr('name a planet', 2));
  assert.equal(b.emit[0]!.topic, 'dropped');
  const d = b.emit[0]!.record as Dropped;
  assert.equal(d.reason, 'exact_duplicate');
  assert.equal(d.duplicate_of, instructionId('Name a Planet'));
  assert.equal(d.task_number, 2);
  assert.equal(op.descriptor.state, 'ordered');
});

test('dedup restored from the corpus: a replay of a committed task is already_committed, others duplicates', async () => {
  const op = createDedupOperator(restoreDedupState([{ id: instructionId('Explain tides'), instruction: 'Explain tides', taskNumber: 4 }]));
  const replay = (await op.process(instr('Explain tides', 4))).emit[0]!.record as Dropped;
  assert.equal(replay.reason, 'already_committed');
  const dup = (await op.process(instr('explain tides', 9))).emit[0]!.record as Dropped;
  assert.equal(dup.reason, 'exact_duplicate');
});

test('respond asks with the concise-answer system message and carries provenance and cost', async () => {
  const teacher = new TeacherDouble(() => '  Jupiter.  ');
  const op = createRespondOperator({ teacher, temperature: 0.2, maxTokens: 64, now: () => 7 });
  const out = await op.process(instr('Name the largest planet'));
  const req = teacher.requests[0]!;
  assert.equal(req.messages[0]!.role, 'system');
  assert.match(req.messages[0]!.content, /concise/);
  assert.equal(req.messages[1]!.content, 'Name the largest planet');
  assert.equal(req.maxTokens, 64);
  const ex = out.emit[0]!.record as Example;
  assert.equal(ex.response, 'Jupiter.');
  assert.equal(ex.prompt_tokens, 15);
  assert.equal(ex.completion_tokens, 27);
  assert.ok(Math.abs(ex.cost_usd - 0.011) < 1e-12);
  assert.equal(ex.teacher_model, 'double-1');
  assert.equal(ex.instruction_id, instructionId('Name the largest planet'));
  const again = await op.process(instr('Name the largest planet'));
  assert.equal((again.emit[0]!.record as Example).id, ex.id, 'example ids are deterministic');
});

test('respond: teacher errors and empty replies are dead letters with reasons', async () => {
  const failing = createRespondOperator({
    teacher: new TeacherDouble(() => new LaminiError(ErrorCodes.TEACHER_TIMEOUT, 'no reply in 30s', { retriable: true })),
    temperature: 0, maxTokens: 8,
  });
  assert.equal((await failing.process(instr('x'))).dead[0]!.reason, 'teacher_timeout');
  const empty = createRespondOperator({ teacher: new TeacherDouble(() => ' '), temperature: 0, maxTokens: 8 });
  const out = await empty.process(instr('y'));
  assert.equal(out.dead[0]!.reason, 'teacher_empty_response');
  assert.equal(out.dead[0]!.taskOutputs, 2);
});
