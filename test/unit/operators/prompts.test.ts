/**
 * Golden files of rendered prompts, one per generation mode plus the respond system message. A change of
 * wording must come with a new prompt version; to look at a new version's prompts, run this file with
 * LAMINI_WRITE_GOLDEN=1 and read the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGenerateOperator } from '../../../operators/generate/operator.ts';
import { createRespondOperator } from '../../../operators/respond/operator.ts';
import { loadTemplates, promptVersions, templates } from '../../../operators/generate/prompts.ts';
import { isLaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { GenerationTask, Instruction, Seed } from '../../../schemas/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const GOLDEN = join(import.meta.dirname, 'golden', 'prompts');
const WRITE = process.env['LAMINI_WRITE_GOLDEN'] === '1';

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, `${name}.txt`);
  if (WRITE) writeFileSync(file, actual);
  assert.ok(existsSync(file), `golden file ${file} is missing`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its golden file`);
}

const seeds: Seed[] = [
  { id: 'si1', instruction: 'Suggest a name for a pet tortoise', input: '', output: 'Shelly', source: 'self_instruct', subset: '' },
  { id: 'si2', instruction: 'Rewrite the sentence in the past tense', input: 'She walks to the market.', output: 'She walked to the market.', source: 'self_instruct', subset: '' },
  { id: 'si3', instruction: 'Give two reasons to learn to swim', input: '', output: 'Safety; exercise.', source: 'self_instruct', subset: '' },
  { id: 'p3a', instruction: 'Review: "The soup was cold and the waiter ignored us." Is this review positive or negative?', input: '', output: 'negative', source: 'p3', subset: 'review_polarity' },
  { id: 'p3b', instruction: 'Review: "Lovely staff, fresh bread, we will come back." Is this review positive or negative?', input: '', output: 'positive', source: 'p3', subset: 'review_polarity' },
  { id: 'p3c', instruction: 'Review: "The room smelled of smoke all week." Is this review positive or negative?', input: '', output: 'negative', source: 'p3', subset: 'review_polarity' },
];
const byId = new Map(seeds.map((s) => [s.id, s]));

async function rendered(task: GenerationTask, structured: boolean): Promise<string> {
  const teacher = new TeacherDouble(() => '<example>unused</example>', structured);
  await createGenerateOperator({
    teacher, seeds: byId, maxInstructionChars: 1000, temperature: 0.7, maxTokens: 64, structuredOutput: 'auto',
  }).process(task);
  const messages = teacher.requests[0]!.messages;
  return messages.map((m) => `--- ${m.role}\n${m.content}\n`).join('');
}

const base: GenerationTask = {
  task_number: 1, mode: 'example_guided', source: 'self_instruct', seed_ids: ['si1', 'si2', 'si3'], topics: [], count: 20,
  prompt_version: 'lamini-v1',
};

test('golden: example-guided, 3 self-instruct seeds, 20 asked, tags', async () => {
  golden('lamini-v1.example-guided.tags', await rendered(base, false));
});

test('golden: example-guided, 3 self-instruct seeds, 20 asked, JSON', async () => {
  golden('lamini-v1.example-guided.json', await rendered(base, true));
});

test('golden: P3/FLAN, 3 seeds of one subset, 10 asked', async () => {
  const task = { ...base, source: 'p3', seed_ids: ['p3a', 'p3b', 'p3c'], count: 10 };
  golden('lamini-v1.p3-same-subset.tags', await rendered(task, false));
});

test('golden: topic-guided, 3 self-instruct seeds and 3 topics', async () => {
  const task: GenerationTask = { ...base, mode: 'topic_guided', topics: ['Volcanoes', 'Chess', 'Bread'] };
  golden('lamini-v1.topic-guided.tags', await rendered(task, false));
});

test('golden: the respond call, system message then the instruction', async () => {
  const teacher = new TeacherDouble(() => 'Shelly.');
  const rec = {
    id: 'i1', instruction: 'Suggest a name for a pet tortoise', input: '', instruction_source: 'self_instruct_without_topic',
    generation_mode: 'example_guided', seed_ids: [], topics: [], task_number: 1, task_outputs: 1, teacher_model: 'double-1',
    prompt_version: 'lamini-v1', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, created_at: 0,
  } satisfies Instruction;
  await createRespondOperator({ teacher, temperature: 0, maxTokens: 16 }).process(rec);
  golden('lamini-v1.respond', teacher.requests[0]!.messages.map((m) => `--- ${m.role}\n${m.content}\n`).join(''));
});

test('every shipped prompt version loads with all its files and placeholders', () => {
  const versions = promptVersions();
  assert.ok(versions.includes('lamini-v1'));
  for (const v of versions) assert.equal(templates(v).version, v);
});

test('a seed holding a placeholder is not substituted into', async () => {
  const odd = new Map([['x', { ...seeds[0]!, id: 'x', instruction: 'Explain {count} and {topics}' }]]);
  const teacher = new TeacherDouble(() => '<example>unused</example>');
  await createGenerateOperator({ teacher, seeds: odd, maxInstructionChars: 100, temperature: 0, maxTokens: 8, structuredOutput: 'tags' })
    .process({ ...base, seed_ids: ['x', 'x', 'x'], count: 7 });
  assert.match(teacher.requests[0]!.messages[0]!.content, /<example>Explain \{count\} and \{topics\}<\/example>/);
});

test('an unknown version or a broken template folder is CONFIG_INVALID naming every issue', () => {
  assert.throws(() => templates('no-such-version'), (e) => isLaminiError(e, ErrorCodes.CONFIG_INVALID) && /unknown prompt version/.test(e.message));
  const dir = mkdtempSync(join(tmpdir(), 'lamini-prompts-'));
  try {
    mkdirSync(join(dir, 'v-bad'));
    writeFileSync(join(dir, 'v-bad', 'example-guided.txt'), 'Write {count} things.\n');
    assert.throws(() => loadTemplates('v-bad', dir), (e) => {
      assert.ok(isLaminiError(e, ErrorCodes.CONFIG_INVALID));
      const issues = e.details['issues'] as Array<{ message: string }>;
      assert.equal(issues.filter((i) => i.message === 'is missing').length, 5);
      assert.ok(issues.some((i) => i.message === 'lacks {examples}'));
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
