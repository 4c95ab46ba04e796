/**
 * Pre-tokenization: GPT-2's regex split as HF's Rust library does it (Oniguruma's `\s`, checked against Python
 * `tokenizers` output recorded in test/fixtures/tokenizer/onig-splits.json), and the cutting out of added tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { bytesToSymbols } from '../../../../trainers/tokenizer/byte-level.ts';
import { AddedTokenSplitter, splitWords } from '../../../../trainers/tokenizer/pretokenize.ts';
import { trainByteLevelBpe } from '../../../../trainers/tokenizer/index.ts';
import { ONIG_ONLY } from '../../../fixtures/tokenizer/strings.ts';

interface Fixture {
  tokenizers: string;
  cases: { text: string; words: string[] }[];
}
const fixture: Fixture = JSON.parse(readFileSync(new URL('../../../fixtures/tokenizer/onig-splits.json', import.meta.url), 'utf8'));
const utf8 = new TextEncoder();

test('words split as Python tokenizers splits them, U+0085 and U+FEFF included', () => {
  assert.ok(fixture.cases.length >= 10);
  for (const { text, words } of fixture.cases) {
    assert.deepEqual(splitWords(text).map((w) => bytesToSymbols(utf8.encode(w))), words, JSON.stringify(text));
  }
});

test('on U+0085 and U+FEFF the JS port splits differently, which is why parity strings leave them out', () => {
  const hf = new HfTokenizer(JSON.parse(trainByteLevelBpe(['x'], { vocabSize: 257 }).toJson()), {});
  const preTokenizer = hf.pre_tokenizer;
  assert.ok(preTokenizer !== null);
  const ours = (text: string): string[] => splitWords(text).map((w) => bytesToSymbols(utf8.encode(w)));
  const differs = ONIG_ONLY.filter((text) => JSON.stringify(preTokenizer.pre_tokenize(text)) !== JSON.stringify(ours(text)));
  assert.deepEqual(preTokenizer.pre_tokenize('a  b'), ours('a  b'));
  assert.ok(differs.length > 0, 'the JS port now agrees with Oniguruma; put these strings back in the parity set');
});

test('the words of a text concatenate back to it', () => {
  for (const text of ['a  b\t\tc \n\n d ', "we'll 123abc!? ", '   ', '日本 語']) assert.equal(splitWords(text).join(''), text);
  assert.deepEqual(splitWords("I'll   go"), ['I', "'ll", '  ', ' go']);
});

test('added tokens are cut leftmost-longest; non-normalized ones before normalized ones', () => {
  const splitter = new AddedTokenSplitter([
    { id: 1, content: '<|a|>', normalized: false },
    { id: 2, content: '<|a|>b', normalized: false },
    { id: 3, content: 'xy', normalized: true },
  ]);
  assert.deepEqual(splitter.split('q<|a|>b<|a|>c'), [{ text: 'q' }, { addedId: 2 }, { addedId: 1 }, { text: 'c' }]);
  assert.deepEqual(splitter.split('xy<|a|>xy'), [{ addedId: 3 }, { addedId: 1 }, { addedId: 3 }]);
  // 'x<|a|>y': the first pass takes <|a|>, so the second never sees 'xy' whole.
  assert.deepEqual(splitter.split('x<|a|>y'), [{ text: 'x' }, { addedId: 1 }, { text: 'y' }]);
  assert.deepEqual(new AddedTokenSplitter([{ id: 7, content: 'a.b', normalized: false }]).split('axb a.b'), [{ text: 'axb ' }, { addedId: 7 }]);
});
