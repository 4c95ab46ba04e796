import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenerateOperator } from '../../../operators/generate/operator.ts';
import { parseJsonReply, parseTagged } from '../../../operators/generate/parse.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { Dropped, GenerationTask, Instruction, Seed } from '../../../schemas/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const seeds: Seed[] = [
  { id: 's1', instruction: 'Name a fruit', input: '', output: 'apple', source: 'self_instruct', subset: '' },
  { id: 's2', instruction: 'Translate to French', input: 'good morning', output: 'bonjour', source: 'self_instruct', subset: '' },
  { id: 's3', instruction: 'Sum the numbers', input: '2, 3', output: '5', source: 'self_instruct', subset: '' },
  { id: 'p1', instruction: 'Premise: it rains. Hypothesis: the street is wet. Entailment?', input: '', output: 'yes', source: 'p3', subset: 'nli' },
];
const byId = new Map(seeds.map((s) => [s.id, s]));
const task = (over: Partial<GenerationTask> = {}): GenerationTask => ({
  task_number: 5, mode: 'example_guided', source: 'self_instruct', seed_ids: ['s1', 's2', 's3'], topics: [], count: 20,
  prompt_version: 'lamini-v1', ...over,
});
const op = (teacher: TeacherDouble, maxInstructionChars = 10_000) => createGenerateOperator({
  teacher, seeds: byId, maxInstructionChars, temperature: 0.7, maxTokens: 256, structuredOutput: 'auto', now: () => 1000,
});

test('example-guided: seeds go in <example> tags with inputs joined, new instructions come out', async () => {
  const teacher = new TeacherDouble(() => 'Sure!\n<example>List three birds</example>\n<example>Explain rain</example> bye');
  const out = await op(teacher).process(task());
  const prompt = teacher.requests[0]!.messages.at(-1)!.content;
  assert.match(prompt, /<example>Translate to French : good morning<\/example>/);
  assert.match(prompt, /Write 20 new instructions/);
  assert.equal(teacher.requests[0]!.taskNumber, 5);
  const recs = out.emit.map((e) => e.record as Instruction);
  assert.deepEqual(recs.map((r) => r.instruction), ['List three birds', 'Explain rain']);
  assert.ok(recs.every((r) => r.instruction_source === 'self_instruct_without_topic' && r.task_outputs === 2));
  assert.deepEqual(recs[0]!.seed_ids, ['s1', 's2', 's3']);
  assert.equal(recs[0]!.cost_usd, 0.0005);
});

test('topic-guided prompts name the topics and set the with-topic source', async () => {
  const teacher = new TeacherDouble(() => '<example>Describe a comet</example>');
  const out = await op(teacher).process(task({ mode: 'topic_guided', topics: ['Astronomy', 'Baking', 'Jazz'] }));
  assert.match(teacher.requests[0]!.messages.at(-1)!.content, /with the topics Astronomy, Baking, Jazz/);
  const rec = out.emit[0]!.record as Instruction;
  assert.equal(rec.instruction_source, 'self_instruct_with_topic');
  assert.deepEqual(rec.topics, ['Astronomy', 'Baking', 'Jazz']);
});

test('JSON output is asked for from a teacher with structured output', async () => {
  const teacher = new TeacherDouble(() => '{"instructions": ["Write a haiku", "Write a haiku", "Name a planet"]}', true);
  const out = await op(teacher).process(task({ source: 'p3', seed_ids: ['p1', 'p1', 'p1'], count: 10 }));
  assert.equal(teacher.requests[0]!.jsonSchema?.name, 'instructions');
  const kinds = out.emit.map((e) => e.topic);
  assert.deepEqual(kinds, ['instructions.raw', 'instructions.raw', 'dropped']);
  assert.equal((out.emit[2]!.record as Dropped).reason, 'repeated_in_reply');
  assert.ok(out.emit.every((e) => (e.record as { task_outputs: number }).task_outputs === 3));
  assert.equal((out.emit[0]!.record as Instruction).instruction_source, 'generated_p3');
});

test('seed tasks pass the seed through without a teacher call', async () => {
  const teacher = new TeacherDouble(() => 'unused');
  const out = await op(teacher).process(task({ mode: 'seed', source: 'p3', seed_ids: ['p1'], count: 0 }));
  assert.equal(teacher.requests.length, 0);
  const rec = out.emit[0]!.record as Instruction;
  assert.equal(rec.instruction_source, 'original_p3');
  assert.equal(rec.generation_mode, 'seed');
  assert.equal(rec.task_outputs, 1);
});

test('a reply without <example> tags is a dead letter teacher_no_examples', async () => {
  const out = await op(new TeacherDouble(() => 'I cannot help with that.')).process(task());
  assert.equal(out.emit.length, 0);
  assert.equal(out.dead[0]!.reason, 'teacher_no_examples');
  assert.equal(out.dead[0]!.taskOutputs, 1);
});

test('a teacher HTTP error is a dead letter with a reason from its code', async () => {
  const teacher = new TeacherDouble(() => new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 500 from the teacher'));
  const out = await op(teacher).process(task());
  assert.equal(out.dead[0]!.reason, 'teacher_http');
  assert.equal(out.dead[0]!.message, 'TEACHER_HTTP: HTTP 500 from the teacher');
});

test('empty and oversized instructions are dead letters counted in the task outputs', async () => {
  const long = 'x '.repeat(60_000);
  const teacher = new TeacherDouble(() => `<example>Fine one</example><example>${long}</example><example> , ?! </example>`);
  const out = await op(teacher, 10_000).process(task());
  assert.equal(out.emit.length, 1);
  assert.deepEqual(out.dead.map((d) => d.reason), ['instruction_too_long', 'instruction_no_text']);
  assert.equal(out.dead[0]!.taskOutputs, 3);
  const emptySeed = new Map([['e', { ...seeds[0]!, id: 'e', instruction: '   ' }]]);
  const out2 = await createGenerateOperator({
    teacher, seeds: emptySeed, maxInstructionChars: 100, temperature: 0, maxTokens: 1, structuredOutput: 'tags',
  }).process(task({ mode: 'seed', seed_ids: ['e'] }));
  assert.deepEqual(out2.dead.map((d) => d.reason), ['instruction_empty']);
});

test('a task naming an unknown seed is a dead letter, not a crash', async () => {
  const out = await op(new TeacherDouble(() => '')).process(task({ seed_ids: ['nope', 's1', 's2'] }));
  assert.equal(out.dead[0]!.reason, 'seed_missing');
});

test('a teacher that copies a prompt example back gets it dropped as echo_of_example', async () => {
  const teacher = new TeacherDouble(() => '<example>1. Name a fruit</example><example>- Name a vegetable</example>');
  const out = await op(teacher).process(task());
  assert.deepEqual(out.emit.map((e) => [e.topic, (e.record as { instruction: string }).instruction]), [
    ['instructions.raw', 'Name a vegetable'],
    ['dropped', 'Name a fruit'],
  ]);
  assert.equal((out.emit[1]!.record as Dropped).reason, 'echo_of_example');
});

test('parsers: tags ignore stray text and cut-off tags; JSON falls back to tags', () => {
  assert.deepEqual(parseTagged('a <example> one </example> b <EXAMPLE>two</EXAMPLE> <example>cut').instructions, ['one', 'two']);
  assert.equal(parseTagged('nothing here').failure, 'no_examples');
  assert.deepEqual(parseJsonReply('<example>x</example>').instructions, ['x']);
  assert.equal(parseJsonReply('{"instructions": 3}').failure, 'bad_json');
  assert.equal(parseJsonReply('{"instructions": ["", " "]}').failure, 'no_examples');
});
