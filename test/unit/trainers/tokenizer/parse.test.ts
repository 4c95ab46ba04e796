/**
 * Files we must refuse: corrupt JSON, other model types, options that would change the ids, merges or added
 * tokens that do not fit the vocabulary. Each is TOKENIZER_INVALID with one line naming the source and the problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLaminiError, ErrorCodes } from '../../../../common/errors.ts';
import { InstructionText } from '../../../fixtures/tokenizer/text.ts';
import { loadTokenizer, parseTokenizerJson, trainByteLevelBpe } from '../../../../trainers/tokenizer/index.ts';

const good = trainByteLevelBpe([...new InstructionText(2).examples(20_000)], { vocabSize: 300 }).toJson();
type Edit = (root: Record<string, any>) => void;

function edited(edit: Edit): string {
  const root = JSON.parse(good);
  edit(root);
  return JSON.stringify(root);
}

function assertInvalid(text: string, mention: RegExp): void {
  assert.throws(
    () => parseTokenizerJson(text, 'ckpt/tokenizer.json'),
    (error: unknown) => {
      assert.ok(isLaminiError(error, ErrorCodes.TOKENIZER_INVALID), `not TOKENIZER_INVALID: ${String(error)}`);
      assert.match(error.message, /^ckpt\/tokenizer\.json: /);
      assert.match(error.message, mention);
      assert.ok(!error.message.includes('\n'), 'message is more than one line');
      return true;
    },
  );
}

test('the unedited file parses (the cases below fail for the edit alone)', () => {
  assert.equal(parseTokenizerJson(good).vocabSize, 300);
});

const cases: [string, string, RegExp][] = [
  ['truncated JSON', good.slice(0, 200), /not valid JSON/],
  ['not JSON at all', 'vocab.txt\n[PAD]\n[UNK]\n', /not valid JSON/],
  ['a JSON array', '[]', /not a JSON object/],
];
for (const [name, text, mention] of cases) test(`refuses ${name}`, () => assertInvalid(text, mention));

const edits: [string, Edit, RegExp][] = [
  ['a WordPiece model', (r) => {
    r['model'] = { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: { '[UNK]': 0, a: 1 } };
  }, /unsupported model\.type "WordPiece"/],
  ['a Unigram model', (r) => (r['model'] = { type: 'Unigram', vocab: [['a', -1]] }), /model\.type "Unigram"/],
  ['a missing model', (r) => delete r['model'], /model is missing/],
  ['a normalizer', (r) => (r['normalizer'] = { type: 'NFC' }), /normalizer "NFC"/],
  ['a Metaspace pre-tokenizer', (r) => (r['pre_tokenizer'] = { type: 'Metaspace', replacement: '▁' }), /pre_tokenizer "Metaspace"/],
  ['add_prefix_space true', (r) => (r['pre_tokenizer']['add_prefix_space'] = true), /add_prefix_space true/],
  ['add_prefix_space missing (HF defaults it to true)', (r) => delete r['pre_tokenizer']['add_prefix_space'], /add_prefix_space true/],
  ['use_regex false', (r) => (r['pre_tokenizer']['use_regex'] = false), /use_regex/],
  ['a WordPiece decoder', (r) => (r['decoder'] = { type: 'WordPiece', prefix: '##' }), /decoder "WordPiece"/],
  ['a template post-processor', (r) => (r['post_processor'] = { type: 'TemplateProcessing' }), /post_processor "TemplateProcessing"/],
  ['BPE dropout', (r) => (r['model']['dropout'] = 0.1), /model\.dropout/],
  ['byte_fallback', (r) => (r['model']['byte_fallback'] = true), /byte_fallback/],
  ['ignore_merges', (r) => (r['model']['ignore_merges'] = true), /ignore_merges/],
  ['an end-of-word suffix', (r) => (r['model']['end_of_word_suffix'] = '</w>'), /end_of_word_suffix/],
  ['a vocab that is an array', (r) => (r['model']['vocab'] = ['a']), /model\.vocab is missing or not an object/],
  ['a fractional id', (r) => (r['model']['vocab']['Ġt'] = 1.5), /model\.vocab\["Ġt"\] is 1\.5/],
  ['two tokens with one id', (r) => (r['model']['vocab']['Ġt'] = 0), /id 0 to both/],
  ['a missing byte symbol', (r) => delete r['model']['vocab']['Ā'], /lacks the byte symbol "Ā" \(byte 0\)/],
  ['merges that are not a list', (r) => (r['model']['merges'] = 'a b'), /model\.merges is missing/],
  ['a merge of three parts', (r) => r['model']['merges'].push('a b c'), /model\.merges\[\d+\] is "a b c"/],
  ['a merge that is a number', (r) => r['model']['merges'].push(7), /model\.merges\[\d+\] is 7/],
  ['a merge of an unknown symbol', (r) => r['model']['merges'].push('Ġt zzz'), /refers to "zzz", which is not in model\.vocab/],
  ['a merge of unknown pairs form', (r) => r['model']['merges'].push(['qq', 'Ġ']), /refers to "qq"/],
  ['a merge whose result is not a token', (r) => r['model']['merges'].push('Ġ Ġ'), /yields "ĠĠ", which is not in model\.vocab/],
  ['no <|endoftext|>', (r) => (r['added_tokens'] = []), /added_tokens has no <\|endoftext\|>/],
  ['an added token with a wrong id', (r) => (r['added_tokens'][0]['id'] = 3), /has id 3 but model\.vocab says 299/],
  ['an added token on a taken id', (r) => r['added_tokens'].push({ id: 5, content: '<|pad|>', special: true }), /reuses id 5/],
  ['an lstrip added token', (r) => (r['added_tokens'][0]['lstrip'] = true), /added_tokens\[0\]\.lstrip/],
  ['an added token without content', (r) => (r['added_tokens'][0]['content'] = ''), /content is not a non-empty string/],
];
for (const [name, edit, mention] of edits) test(`refuses ${name}`, () => assertInvalid(edited(edit), mention));

test('merges may be given as ["left", "right"] pairs, as Python tokenizers >= 0.20 writes them', () => {
  const pairs = edited((r) => (r['model']['merges'] = r['model']['merges'].map((m: string) => m.split(' '))));
  const a = parseTokenizerJson(good);
  const b = parseTokenizerJson(pairs);
  const text = 'Write the response, then the next instruction.';
  assert.deepEqual(b.encode(text), a.encode(text));
  assert.ok(a.encode(text).length < text.length);
});

test('loadTokenizer reads a file, names it in errors, and reports a missing one as FILE_NOT_FOUND', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-tokenizer-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'tokenizer.json');
  await writeFile(path, good);
  assert.deepEqual((await loadTokenizer(path)).encode('the instruction'), parseTokenizerJson(good).encode('the instruction'));
  await writeFile(path, '{"model": ');
  await assert.rejects(loadTokenizer(path), (e: unknown) => isLaminiError(e, ErrorCodes.TOKENIZER_INVALID) && e.message.startsWith(path));
  await assert.rejects(loadTokenizer(join(dir, 'missing.json')), (e: unknown) => isLaminiError(e, ErrorCodes.FILE_NOT_FOUND));
});
