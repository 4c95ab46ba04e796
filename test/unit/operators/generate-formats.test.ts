/**
 * generate falls back through the structured-output modes a teacher refuses: json_schema, json_object, then the
 * paper's `<example>` tags; each refusal is asked once, never retried, and told in one log line. The double
 * refuses like a real server: TEACHER_FORMAT_UNSUPPORTED, as the OpenAI client maps llama-cpp-python's 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGenerateOperator, type GenerateOptions } from '../../../operators/generate/operator.ts';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import type { DeadLetterDraft } from '../../../streams/operator.ts';
import type { GenerationTask, Instruction, Seed } from '../../../schemas/types.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const seeds: Seed[] = [
  { id: 's1', instruction: 'Name a fruit', input: '', output: 'apple', source: 'self_instruct', subset: '' },
  { id: 's2', instruction: 'Name a river', input: '', output: 'Nile', source: 'self_instruct', subset: '' },
  { id: 's3', instruction: 'Name a colour', input: '', output: 'red', source: 'self_instruct', subset: '' },
];
const task = (k: number): GenerationTask => ({
  task_number: k, mode: 'example_guided', source: 'self_instruct', seed_ids: ['s1', 's2', 's3'], topics: [], count: 3, prompt_version: 'lamini-v1',
});

const formatOf = (r: ChatRequest): string => (r.jsonSchema === undefined ? 'tags' : r.responseFormat ?? 'json_schema');
const refused = (format: string): LaminiError =>
  new LaminiError(ErrorCodes.TEACHER_FORMAT_UNSUPPORTED, `HTTP 500: response_format ${format} refused`, {
    details: { status: 500, format, serverMessage: "Input should be 'text' or 'json_object'" },
  });

/** A double that refuses the listed modes and answers the rest in the format asked. */
function teacherRefusing(modes: string[]): TeacherDouble {
  return new TeacherDouble((r, i) => {
    const format = formatOf(r);
    if (modes.includes(format)) return refused(format);
    const items = [`Name a mountain ${i}`, `Name a planet ${i}`];
    return format === 'tags' ? items.map((x) => `<example>${x}</example>`).join('\n') : JSON.stringify({ instructions: items });
  }, true);
}

const op = (teacher: TeacherDouble, lines: string[], structuredOutput: GenerateOptions['structuredOutput'] = 'auto') => createGenerateOperator({
  teacher, seeds: new Map(seeds.map((s) => [s.id, s])), maxInstructionChars: 1000, temperature: 0.7, maxTokens: 256,
  structuredOutput, log: (l) => lines.push(l), now: () => 1000,
});

test('regression: a teacher that refuses json_schema (llama-cpp-python) is asked json_object at once, once, and keeps yielding', async () => {
  const teacher = teacherRefusing(['json_schema']);
  const lines: string[] = [];
  const generate = op(teacher, lines);
  const first = await generate.process(task(1));
  const second = await generate.process(task(2));
  assert.deepEqual(teacher.requests.map(formatOf), ['json_schema', 'json_object', 'json_object'], 'json_schema asked once, never again');
  assert.match(teacher.requests[1]!.messages.at(-1)!.content, /JSON/i, 'the json_object prompt still asks for JSON');
  for (const out of [first, second]) {
    assert.deepEqual(out.dead, []);
    assert.equal(out.emit.filter((e) => e.topic === 'instructions.raw').length, 2);
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /does not accept response_format json_schema .*asking it for json_object from now on/);
});

test('a teacher that refuses both JSON modes gets the tag prompt, and its instructions are read from the tags', async () => {
  const teacher = teacherRefusing(['json_schema', 'json_object']);
  const lines: string[] = [];
  const out = await op(teacher, lines).process(task(1));
  assert.deepEqual(teacher.requests.map(formatOf), ['json_schema', 'json_object', 'tags']);
  assert.match(teacher.requests[2]!.messages.at(-1)!.content, /<example>/);
  assert.deepEqual(out.emit.map((e) => (e.record as Instruction).instruction), ['Name a mountain 2', 'Name a planet 2']);
  assert.equal(lines.length, 2);
});

test('calls in flight when the refusal comes each fall back once; the line is logged once', async () => {
  const teacher = teacherRefusing(['json_schema']);
  const lines: string[] = [];
  const generate = op(teacher, lines);
  const outs = await Promise.all([1, 2, 3, 4].map((k) => generate.process(task(k))));
  assert.ok(outs.every((o) => o.dead.length === 0 && o.emit.length === 2));
  assert.ok(teacher.requests.filter((r) => formatOf(r) === 'json_schema').length <= 4);
  assert.equal(teacher.requests.filter((r) => formatOf(r) === 'json_object').length, 4);
  assert.equal(lines.length, 1);
});

test('structuredOutput "json" never falls back to tags: once both JSON modes are refused, tasks are dead-lettered without a call', async () => {
  const teacher = teacherRefusing(['json_schema', 'json_object']);
  const lines: string[] = [];
  const generate = op(teacher, lines, 'json');
  const first = await generate.process(task(1));
  const second = await generate.process(task(2));
  assert.deepEqual(teacher.requests.map(formatOf), ['json_schema', 'json_object'], 'nothing asked that cannot succeed');
  for (const out of [first, second]) {
    assert.deepEqual(out.dead.map((d: DeadLetterDraft) => d.reason), ['teacher_format_unsupported']);
  }
  assert.match(lines[1]!, /no other mode is allowed/);
});

test('other teacher failures are dead-lettered as before, with no fallback', async () => {
  const teacher = new TeacherDouble(() => new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 500: boom', { retriable: true }), true);
  const lines: string[] = [];
  const out = await op(teacher, lines).process(task(1));
  assert.equal(teacher.requests.length, 1);
  assert.deepEqual(out.dead.map((d) => d.reason), ['teacher_http']);
  assert.deepEqual(lines, []);
});
