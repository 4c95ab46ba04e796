/**
 * Regressions from the issue "The data plane as other tools and real deployments meet it", items 7 and 8:
 * numbered copies of one instruction passed dedup, and one-word junk passed the default filters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonReply, parseReply } from '../../../operators/generate/parse.ts';
import { stripPrefix } from '../../../operators/generate/prefix.ts';
import { compileFilters, defaultFilters, letterCount, withoutMarkup, FILTER_REASONS } from '../../../operators/generate/filters.ts';
import { createGenerateOperator } from '../../../operators/generate/operator.ts';
import { instructionId } from '../../../operators/generate/instruction.ts';
import { createDedupOperator, restoreDedupState } from '../../../operators/dedup/operator.ts';
import { loadConfig } from '../../../common/config.ts';
import type { Dropped, GenerationTask, Instruction, Seed } from '../../../schemas/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const seeds: Seed[] = ['Name a fruit', 'Name a tool', 'Name a sport'].map((instruction, i) => ({
  id: `s${i}`, instruction, input: '', output: 'x', source: 'self_instruct', subset: '',
}));
const task = (n: number): GenerationTask => ({
  task_number: n, mode: 'example_guided', source: 'self_instruct', seed_ids: ['s0', 's1', 's2'], topics: [], count: 20, prompt_version: 'lamini-v1',
});
const generate = (reply: string, filters = loadConfig({ env: {} }).generation.filters) => createGenerateOperator({
  teacher: new TeacherDouble(() => reply), seeds: new Map(seeds.map((s) => [s.id, s])), maxInstructionChars: 1000,
  temperature: 0, maxTokens: 256, structuredOutput: 'tags', filters, now: () => 1,
});
const kept = (emit: { topic: string; record: unknown }[]): string[] =>
  emit.filter((e) => e.topic === 'instructions.raw').map((e) => (e.record as Instruction).instruction);
const drops = (emit: { topic: string; record: unknown }[]): [string, string][] =>
  emit.filter((e) => e.topic === 'dropped').map((e) => [(e.record as Dropped).reason, (e.record as Dropped).instruction]);

test('regression: near-duplicates with list numbering pass dedup ("Instructions 4:" and "Instructions 8:")', async () => {
  const four = 'Instructions 4: The man is fixing a bicycle.';
  const eight = 'Instructions 8: The man is fixing a bicycle.';
  for (const reply of [
    `<example>${four}</example>\n<example>${eight}</example>`,
    JSON.stringify({ instructions: [four, eight] }),
    `${four}\n${eight}`,
    `1. ${four}\n2. **Instructions 8:** The man is fixing a bicycle.`,
  ]) {
    assert.deepEqual(parseJsonReply(reply).instructions, ['The man is fixing a bicycle.', 'The man is fixing a bicycle.'], reply);
  }
  // In one reply the copy is a repeat; across tasks, dedup sees the same id and drops it.
  const one = await generate(`<example>${four}</example><example>${eight}</example>`).process(task(1));
  assert.deepEqual(kept(one.emit), ['The man is fixing a bicycle.']);
  assert.deepEqual(drops(one.emit), [['repeated_in_reply', 'The man is fixing a bicycle.']]);
  const a = (await generate(`<example>${four}</example>`).process(task(2))).emit[0]!.record as Instruction;
  const b = (await generate(`<example>${eight}</example>`).process(task(3))).emit[0]!.record as Instruction;
  assert.equal(a.id, b.id);
  const dedup = createDedupOperator(restoreDedupState([]));
  assert.equal((await dedup.process(a)).emit[0]!.topic, 'instructions.unique');
  const second = (await dedup.process(b)).emit[0]!;
  assert.equal(second.topic, 'dropped');
  assert.equal((second.record as Dropped).duplicate_of, instructionId('The man is fixing a bicycle.'));
});

test('prefixes: markers and labels go, numbering that is the instruction\'s own content stays', () => {
  const body = (t: string): string => stripPrefix(t).body;
  for (const [raw, want] of [
    ['(3) Name a river', 'Name a river'], ['[3] Name a river', 'Name a river'], ['#3 Name a river', 'Name a river'],
    ['Instruction 12 - Name a river', 'Name a river'], ['New instruction: Name a river', 'Name a river'],
    ['Task 2. Name a river', 'Name a river'], ['Question 5: Which river is longest?', 'Which river is longest?'],
    ['**3.** Name a river', 'Name a river'], ['- **Example 7:** Name a river', 'Name a river'],
  ] as const) assert.equal(body(raw), want, raw);
  for (const t of [
    'Question 1: How do I learn Go? Question 2: How can I learn Go fast? Do these ask the same thing?',
    'Example 1.5 litres of water is how many cups?', '**Bold** claims need evidence: discuss.', '2024. Summarise the year',
    '5 + 7 = ?', 'Task list: plan a wedding',
  ]) assert.equal(body(t), t, t);
  assert.deepEqual(parseReply('Sure.\nInstruction 1: Name a river\nInstruction 2: Name a lake\n  in Canada\nThat is all.').instructions,
    ['Name a river', 'Name a lake in Canada']);
});

test('regression: junk passes the default filters (a one-character "B", a tag-like "[post2]")', async () => {
  const f = compileFilters(defaultFilters());
  assert.equal(f('B'), 'filter_too_short');
  assert.equal(f('[post2]'), 'filter_too_short');
  assert.equal(f('[post2] [/post2]'), 'filter_too_short', 'tags are not words');
  assert.equal(f('<br> </s>'), 'filter_too_short');
  assert.equal(f('1 2 3 4'), 'filter_few_letters');
  assert.equal(f('-- ?? !!'), 'filter_few_letters');
  for (const t of ['Define irony', 'Is 7 prime?', 'Explain the <div> element of HTML', 'Write a poem about [topic]', 'Traduis «\u00a0bonjour\u00a0»', '\u7ffb\u8bd1\u8fd9\u53e5\u8bdd \u6210\u82f1\u6587']) {
    assert.equal(f(t), undefined, t);
  }
  assert.equal(withoutMarkup('Fix [post2] now').trim().split(/\s+/).length, 2);
  assert.equal(letterCount('caf\u00e9 42'), 4);
  assert.ok(FILTER_REASONS.includes('filter_few_letters'));

  // Through the operator with the configured defaults: each junk item is a Dropped row with its reason,
  // and counted in the task's outputs; with the switch off, everything the teacher wrote is kept.
  const reply = '<example>B</example><example>[post2]</example><example>1 2 3 4</example><example>Explain why the sea is salty</example>';
  const out = await generate(reply).process(task(4));
  assert.deepEqual(kept(out.emit), ['Explain why the sea is salty']);
  assert.deepEqual(drops(out.emit), [['filter_too_short', 'B'], ['filter_too_short', '[post2]'], ['filter_few_letters', '1 2 3 4']]);
  assert.ok(out.emit.every((e) => (e.record as { task_outputs: number }).task_outputs === 4));
  const raw = loadConfig({ env: {}, flags: { 'generation.filters.enabled': 'false' } }).generation.filters;
  const all = await generate(reply, raw).process(task(4));
  assert.deepEqual(kept(all.emit), ['B', '[post2]', '1 2 3 4', 'Explain why the sea is salty']);
  assert.deepEqual(drops(all.emit), []);
});

test('config: the floor is the default, its keys are validated, and one key turns every filter off', () => {
  const d = loadConfig({ env: {} }).generation.filters;
  assert.deepEqual(d, { enabled: true, minWords: 2, maxWords: 0, minLetters: 3, blocklist: [], textOnly: false, printableOnly: false });
  assert.deepEqual(d, defaultFilters());
  const off = loadConfig({ env: {}, flags: { 'generation.filters.enabled': 'false', 'generation.filters.textOnly': 'true' } }).generation.filters;
  assert.equal(compileFilters(off)('Draw a cat'), undefined, 'enabled false wins over the other keys');
  assert.throws(() => loadConfig({ env: {}, flags: { 'generation.filters.minLetters': '-2' } }), /generation\.filters\.minLetters/);
  assert.throws(() => loadConfig({ env: {}, flags: { 'generation.filters.enabled': 'nope' } }), /generation\.filters\.enabled/);
});
