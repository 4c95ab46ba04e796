import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonReply, parseList, parseReply, parseTagged } from '../../../operators/generate/parse.ts';
import { compileFilters, defaultFilters, hasNonPrintable, rawFilters, wordCount } from '../../../operators/generate/filters.ts';
import { createGenerateOperator } from '../../../operators/generate/operator.ts';
import { loadConfig } from '../../../common/config.ts';
import type { Dropped, GenerationTask, Instruction, Seed } from '../../../schemas/types.ts';
import type { ChatReply, Teacher } from '../../../teacher/types.ts';

test('parse: <example> tags with stray text around them', () => {
  const r = parseReply('Of course! Here you go.\n<example>Name a river in Peru</example>\nAnd:\n<example> List two  metals </example>\nEnjoy.');
  assert.deepEqual(r.instructions, ['Name a river in Peru', 'List two metals']);
  assert.equal(r.format, 'tags');
  assert.equal(r.incomplete, 0);
});

test('parse: a tag left open by the token limit is dropped and counted', () => {
  const r = parseTagged('<example>Spell "cat" backwards</example><example>Explain why the sky');
  assert.deepEqual(r.instructions, ['Spell "cat" backwards']);
  assert.equal(r.incomplete, 1);
  assert.deepEqual(r.partial, ['Explain why the sky']);
});

test('parse: numbered lists with "1." and "1)", bullets, continuation lines, stray text', () => {
  const dot = parseReply('Here are three:\n1. Name a planet\n2. Explain tides\n   in two sentences\n3. Count to five\nHope that helps!');
  assert.deepEqual(dot.instructions, ['Name a planet', 'Explain tides in two sentences', 'Count to five']);
  assert.equal(dot.format, 'list');
  assert.deepEqual(parseReply('1) Write a limerick\n2) Define "irony"').instructions, ['Write a limerick', 'Define "irony"']);
  assert.deepEqual(parseReply('- Pick a colour\n* Pick a shape\n\u2022 Pick a number').instructions, ['Pick a colour', 'Pick a shape', 'Pick a number']);
  assert.equal(parseReply('I am not sure what you mean.').failure, 'no_examples');
});

test('parse: the last list item of a reply cut by max_tokens is dropped; a complete reply keeps it', () => {
  const text = '1. Describe a storm\n2. Give a synonym for quick\n3. Explain how a lever';
  assert.deepEqual(parseList(text, { truncated: true }).instructions, ['Describe a storm', 'Give a synonym for quick']);
  assert.equal(parseList(text, { truncated: true }).incomplete, 1);
  assert.deepEqual(parseList(text, { truncated: true }).partial, ['Explain how a lever']);
  assert.equal(parseList(text).instructions.length, 3);
});

test('parse: JSON object, bare array, and JSON wrapped in stray text falls back to the other shapes', () => {
  assert.deepEqual(parseJsonReply('{"instructions": ["Name a tree", " 2. Name a bird "]}').instructions, ['Name a tree', 'Name a bird']);
  assert.deepEqual(parseReply('["Name a tree", 4, "Name a fish"]').instructions, ['Name a tree', 'Name a fish']);
  assert.equal(parseReply('["a"]').format, 'json');
  assert.deepEqual(parseJsonReply('Sure:\n1. Name a tree\n2. Name a cloud').instructions, ['Name a tree', 'Name a cloud']);
  assert.equal(parseJsonReply('{"instructions": 3}').failure, 'bad_json');
  assert.equal(parseJsonReply('{"instructions": ["", " "]}').failure, 'no_examples');
});

test('parse: a JSON array cut mid-way keeps its complete strings, escapes included', () => {
  const cut = '{"instructions": ["Quote \\"hello\\" in French", "List, in order, three rivers", "Explain the diff';
  const r = parseJsonReply(cut, { truncated: true });
  assert.deepEqual(r.instructions, ['Quote "hello" in French', 'List, in order, three rivers']);
  assert.equal(r.incomplete, 1);
  assert.deepEqual(r.partial, ['Explain the diff']);
  assert.deepEqual(parseReply('["One thing", "Two thi').instructions, ['One thing']);
  assert.equal(parseJsonReply('{"instructions": ["unfinished').failure, 'bad_json');
  assert.equal(parseJsonReply('{"instr').failure, 'bad_json');
});

const filter = (over: Partial<ReturnType<typeof defaultFilters>>) => compileFilters({ ...defaultFilters(), ...over });

test('filters are all off with generation.filters.enabled false (the paper\'s raw distribution)', () => {
  const f = compileFilters(rawFilters());
  for (const t of ['Hi', 'Draw a cat', 'bad\u0007text', 'a '.repeat(500)]) assert.equal(f(t), undefined);
});

test('filter: length bounds in whitespace words', () => {
  const f = filter({ minWords: 3, maxWords: 6 });
  assert.equal(wordCount('  two  words '), 2);
  assert.equal(f('Name it'), 'filter_too_short');
  assert.equal(f('Name a large animal'), undefined);
  assert.equal(f('Name a large animal that lives in cold water'), 'filter_too_long');
});

test('filter: keyword blocklist matches whole words and phrases, case-insensitively', () => {
  const f = filter({ blocklist: ['lottery', 'credit card', ' '] });
  assert.equal(f('How do I win the LOTTERY?'), 'filter_blocklist');
  assert.equal(f('Store a credit  card number'), undefined, 'phrases match as written');
  assert.equal(f('Explain credit card interest'), 'filter_blocklist');
  assert.equal(f('Describe lotteryless towns'), undefined, 'not inside a longer word');
});

test('filter: instructions a text answer cannot satisfy', () => {
  const f = filter({ textOnly: true });
  for (const t of [
    'Draw a map of your neighbourhood', 'Create an image of a sunset over the sea', 'What colour is the car in this photo?',
    'Listen to the audio clip and summarise it', 'Describe the attached image', 'Sing me a lullaby', 'Upload a picture of your desk',
  ]) assert.equal(f(t), 'filter_not_text', t);
  for (const t of ['Draw a conclusion from these facts', 'Describe the Mona Lisa', 'Explain how a camera takes a photo', 'Write a song about rain']) {
    assert.equal(f(t), undefined, t);
  }
});

test('filter: non-printable text (control characters, U+FFFD, lone surrogates)', () => {
  const f = filter({ printableOnly: true });
  assert.ok(hasNonPrintable('a\u0000b') && hasNonPrintable('bad \uFFFD byte') && hasNonPrintable('x\uD800y'));
  assert.equal(f('tab\tand\nnewline and caf\u00e9 and \u{1F600}'), undefined);
  assert.equal(f('ring\u0007bell'), 'filter_non_printable');
});

test('config: generation.filters from a file, validated with paths', () => {
  const c = loadConfig({ env: {}, flags: { 'generation.filters.minWords': '3', 'generation.filters.blocklist': 'a, b', 'generation.filters.textOnly': 'true' } });
  assert.deepEqual(c.generation.filters, { enabled: true, minWords: 3, maxWords: 0, minLetters: 3, blocklist: ['a', 'b'], textOnly: true, printableOnly: false });
  assert.throws(() => loadConfig({ env: {}, flags: { 'generation.filters.maxWords': '-1' } }), /generation\.filters\.maxWords/);
});

class CutTeacher implements Teacher {
  readonly model = 'cut-1';
  readonly structuredOutput = true;
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  async chat(): Promise<ChatReply> {
    return { text: this.#text, model: this.model, promptTokens: 5, completionTokens: 50, costUsd: 0, finishReason: 'length' };
  }
  async close(): Promise<void> {}
}

const seeds: Seed[] = ['Name a fruit', 'Name a tool', 'Name a sport'].map((instruction, i) => ({
  id: `s${i}`, instruction, input: '', output: 'x', source: 'self_instruct', subset: '',
}));
const task: GenerationTask = {
  task_number: 3, mode: 'example_guided', source: 'self_instruct', seed_ids: ['s0', 's1', 's2'], topics: [], count: 20, prompt_version: 'lamini-v1',
};

test('operator: a JSON reply cut by max_tokens keeps its complete items; filtered and unfinished ones are Dropped with their reason', async () => {
  const teacher = new CutTeacher('{"instructions": ["Draw a horse", "Explain why ice floats on water", "Hi", "Buy a lottery ticket online", "Describe a');
  const op = createGenerateOperator({
    teacher, seeds: new Map(seeds.map((s) => [s.id, s])), maxInstructionChars: 1000, temperature: 0, maxTokens: 40, structuredOutput: 'auto',
    filters: { enabled: true, minWords: 2, maxWords: 0, minLetters: 0, blocklist: ['lottery'], textOnly: true, printableOnly: true }, now: () => 1,
  });
  const out = await op.process(task);
  const kept = out.emit.filter((e) => e.topic === 'instructions.raw').map((e) => (e.record as Instruction).instruction);
  assert.deepEqual(kept, ['Explain why ice floats on water']);
  const drops = out.emit.filter((e) => e.topic === 'dropped').map((e) => e.record as Dropped);
  assert.deepEqual(drops.map((d) => [d.reason, d.instruction]), [
    ['filter_not_text', 'Draw a horse'], ['filter_too_short', 'Hi'], ['filter_blocklist', 'Buy a lottery ticket online'],
    ['incomplete_item', 'Describe a'],
  ]);
  assert.ok(out.emit.every((e) => (e.record as { task_outputs: number }).task_outputs === 5));
  assert.equal(drops[0]!.duplicate_of, '');
});

test('operator: a reply cut off before any complete item is a dead letter teacher_truncated', async () => {
  const op = createGenerateOperator({
    teacher: new CutTeacher('{"instructions": ["Explain wh'), seeds: new Map(seeds.map((s) => [s.id, s])),
    maxInstructionChars: 1000, temperature: 0, maxTokens: 8, structuredOutput: 'auto',
  });
  const out = await op.process(task);
  assert.deepEqual(out.dead.map((d) => d.reason), ['teacher_truncated']);
});
