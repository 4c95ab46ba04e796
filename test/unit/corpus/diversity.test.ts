import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusStats, formatStats, openCorpus } from '../../../corpus/index.ts';
import { Mattr, PAPER_TABLE1, Vocabulary, leadingWord, tokens, wordCount } from '../../../corpus/diversity.ts';
import { example, tempDataDir } from './fixtures.ts';

test('MATTR: mean type-token ratio over every full window; plain TTR below one window', () => {
  const v = new Vocabulary();
  const m = new Mattr(3);
  m.push(v.ids(['a', 'b', 'a', 'c', 'c'])); // windows: [a b a]=2/3, [b a c]=3/3, [a c c]=2/3
  assert.ok(Math.abs(m.value() - (2 / 3 + 1 + 2 / 3) / 3) < 1e-12);
  const short = new Mattr(50);
  short.push(v.ids(['x', 'y', 'x', 'x']));
  assert.equal(short.value(), 0.5);
  assert.equal(new Mattr(50).value(), 0);
  const varied = new Mattr(50);
  varied.push(v.ids(Array.from({ length: 5000 }, (_, i) => `w${i}`)));
  assert.equal(varied.value(), 1);
  const same = new Mattr(50);
  same.push(v.ids(Array.from({ length: 500 }, () => 'w')));
  assert.equal(same.value(), 1 / 50);
});

test('tokens and word counts', () => {
  assert.deepEqual(tokens("Don't  panic, it's 42!"), ["don't", 'panic', "it's", '42']);
  assert.equal(wordCount('  one two\tthree\nfour  '), 4);
  assert.equal(wordCount(''), 0);
  assert.equal(leadingWord(tokens('3. Please, summarise this')), 'summarise');
  assert.equal(leadingWord(tokens('12 34')), undefined);
});

test('stats carry diversity per instruction_source beside the paper, in text and JSON', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  await corpus.commit({
    examples: [
      example(1, { instruction: 'Write a poem about rain', response: 'Rain falls soft and grey on the hill.' }),
      example(2, { instruction: 'Write a poem about rain', response: 'Drops on the roof.' }),
      example(3, { instruction: 'Explain what a lever does', response: 'It multiplies force.' }),
      example(4, { instruction: 'write a POEM  about rain', response: 'Puddles.' }),
      example(5, { instruction: 'Name one river', response: 'Nile', instruction_source: 'my_source' }),
    ],
    doneTasks: [1, 2, 3, 4, 5],
  });
  await corpus.close();
  const stats = await corpusStats(dir);
  const d = stats.diversity;
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.deepEqual(Object.keys(d.by_instruction_source), ['generated_p3', 'self_instruct_with_topic', 'my_source']);
  assert.equal(d.all.pairs, 5);
  assert.equal(d.all.distinct_instructions, 3, 'case and spacing do not make an instruction new');
  const p3 = d.by_instruction_source['generated_p3']!;
  assert.deepEqual(p3.instruction_length, { mean: 5, p50: 5, p90: 5, p99: 5, max: 5 });
  assert.equal(p3.response_length.max, 8);
  assert.equal(p3.paper, PAPER_TABLE1['generated_p3']);
  assert.equal(d.by_instruction_source['my_source']!.paper, null);
  assert.equal(d.mattr_window, 50);
  assert.ok(d.all.mattr_instructions > 0 && d.all.mattr_instructions <= 1);
  assert.deepEqual(d.leading_words.slice(0, 3), [{ word: 'write', count: 3 }, { word: 'explain', count: 1 }, { word: 'name', count: 1 }]);
  const text = formatStats(stats);
  assert.match(text, /diversity \(lengths in whitespace words; MATTR window 50/);
  assert.match(text, /\n  generated_p3 +2 +2 +5\.0\/5\/5 .* 0\.30M +49\.22\/21\.34\n/);
  assert.match(text, /\n  my_source .* - +-\n/);
  assert.match(text, /leading words: write 3, explain 1, name 1/);
});

test('diversity of an empty corpus is zeros', async (t) => {
  const dir = await tempDataDir(t);
  const stats = await corpusStats(dir);
  assert.equal(stats.diversity.all.pairs, 0);
  assert.deepEqual(stats.diversity.by_instruction_source, {});
  assert.doesNotMatch(formatStats(stats), /diversity/);
});
