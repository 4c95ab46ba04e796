/**
 * Unigram files we must refuse — corrupt JSON, a bad vocabulary or charsmap, components we do not implement — each
 * TOKENIZER_INVALID with one line naming the source and the problem; and loadAnyTokenizer's dispatch on model.type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isLaminiError } from '../../../../common/errors.ts';
import { loadAnyTokenizer, parseAnyTokenizerJson, parseUnigramTokenizerJson, trainByteLevelBpe } from '../../../../trainers/tokenizer/index.ts';

const DIR = join(import.meta.dirname, '../../../fixtures/tokenizer/unigram');
const good = readFileSync(join(DIR, 'spm-t5.json'), 'utf8');
type Edit = (root: Record<string, any>) => void;

function edited(edit: Edit): string {
  const root = JSON.parse(good);
  edit(root);
  return JSON.stringify(root);
}

function assertInvalid(text: string, mention: RegExp, parse = parseUnigramTokenizerJson): void {
  assert.throws(
    () => parse(text, 'ckpt/tokenizer.json'),
    (error: unknown) => {
      assert.ok(isLaminiError(error, ErrorCodes.TOKENIZER_INVALID), `not TOKENIZER_INVALID: ${String(error)}`);
      assert.match(error.message, /^ckpt\/tokenizer\.json: /);
      assert.match(error.message, mention);
      assert.ok(!error.message.includes('\n'), 'message is more than one line');
      return true;
    },
  );
}

const charsmap = (r: Record<string, any>): Record<string, any> => r['normalizer']['normalizers'][0];

test('the unedited file parses (the cases below fail for the edit alone)', () => {
  assert.equal(parseUnigramTokenizerJson(good).vocabSize, 404);
});

const cases: [string, string, RegExp][] = [
  ['truncated JSON', good.slice(0, 300), /not valid JSON/],
  ['a JSON array', '[]', /not a JSON object/],
];
for (const [name, text, mention] of cases) test(`refuses ${name}`, () => assertInvalid(text, mention));

const edits: [string, Edit, RegExp][] = [
  ['a BPE model', (r) => (r['model'] = { type: 'BPE', vocab: {}, merges: [] }), /model\.type "BPE"; expected "Unigram"/],
  ['a missing model', (r) => delete r['model'], /model is missing/],
  ['an empty vocab', (r) => (r['model']['vocab'] = []), /model\.vocab is missing or not a non-empty array/],
  ['a piece without a score', (r) => (r['model']['vocab'][5] = ['▁a']), /model\.vocab\[5\] is \["▁a"\]/],
  ['a null unk_id', (r) => (r['model']['unk_id'] = null), /model\.unk_id null/],
  ['an unk_id past the vocab', (r) => (r['model']['unk_id'] = 9999), /model\.unk_id 9999/],
  ['byte_fallback that is not a boolean', (r) => (r['model']['byte_fallback'] = 'yes'), /byte_fallback/],
  ['no </s>', (r) => { r['model']['vocab'][1] = ['<eos>', 0]; r['added_tokens'].splice(1, 1); }, /has <\/s>/],
  ['an added token with a wrong id', (r) => (r['added_tokens'][1]['id'] = 7), /"<\/s>" has id 7 but model\.vocab says 1/],
  ['an rstrip added token', (r) => (r['added_tokens'][0]['rstrip'] = true), /added_tokens\[0\]\.rstrip/],
  ['a hole in the ids', (r) => r['added_tokens'].push({ id: 500, content: '<x>', special: true }), /no token has id 404/],
  ['a Lowercase normalizer', (r) => r['normalizer']['normalizers'].push({ type: 'Lowercase' }), /normalizer\.normalizers\[3\] "Lowercase"/],
  ['a charsmap that is not base64', (r) => (charsmap(r)['precompiled_charsmap'] = 'not base64!'), /Precompiled: precompiled_charsmap is not base64/],
  ['a charsmap cut short', (r) => (charsmap(r)['precompiled_charsmap'] = charsmap(r)['precompiled_charsmap'].slice(0, 400)), /trie size \d+ does not fit/],
  ['a charsmap with bad targets', (r) => {
    const blob = Buffer.from(charsmap(r)['precompiled_charsmap'], 'base64');
    blob.fill(0xff, 4 + blob.readUInt32LE(0));
    charsmap(r)['precompiled_charsmap'] = blob.toString('base64');
  }, /is not UTF-8/],
  ['a Replace regex JavaScript cannot compile', (r) => r['normalizer']['normalizers'].push({ type: 'Replace', pattern: { Regex: '(?<x' }, content: '' }), /unsupported normalizer\.normalizers\[3\]\.pattern regex/],
  ['a ByteLevel pre-tokenizer', (r) => (r['pre_tokenizer'] = { type: 'ByteLevel', add_prefix_space: false }), /pre_tokenizer "ByteLevel"; Metaspace is required/],
  ['a missing pre-tokenizer', (r) => (r['pre_tokenizer'] = null), /pre_tokenizer null/],
  ['an unknown prepend_scheme', (r) => (r['pre_tokenizer']['prepend_scheme'] = 'sometimes'), /prepend_scheme "sometimes"/],
  ['a two-character replacement', (r) => (r['pre_tokenizer']['replacement'] = '__'), /replacement "__" is not one character/],
  ['"first" after WhitespaceSplit', (r) => {
    r['pre_tokenizer'] = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { ...r['pre_tokenizer'], prepend_scheme: 'first' }] };
  }, /"first" after WhitespaceSplit/],
  ['a Digits pre-tokenizer in a Sequence', (r) => (r['pre_tokenizer'] = { type: 'Sequence', pretokenizers: [{ type: 'Digits' }] }), /only \[WhitespaceSplit, Metaspace\]/],
  ['a RobertaProcessing post-processor', (r) => (r['post_processor'] = { type: 'RobertaProcessing' }), /post_processor "RobertaProcessing"/],
  ['a WordPiece decoder', (r) => (r['decoder'] = { type: 'WordPiece', prefix: '##' }), /decoder "WordPiece"/],
  ['a Replace decoder with a regex', (r) => (r['decoder'] = { type: 'Replace', pattern: { Regex: '▁' }, content: ' ' }), /decoder\.pattern: a Regex/],
];
for (const [name, edit, mention] of edits) test(`refuses ${name}`, () => assertInvalid(edited(edit), mention));

test('an old T5 file (WhitespaceSplit then Metaspace with add_prefix_space) encodes word by word', () => {
  const old = parseUnigramTokenizerJson(edited((r) => {
    r['pre_tokenizer'] = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '▁', add_prefix_space: true }] };
  }));
  const t5 = parseUnigramTokenizerJson(good);
  assert.deepEqual(old.encode('the model\ttext'), t5.encode('the model text'));
});

test('parseAnyTokenizerJson and loadAnyTokenizer dispatch on model.type', async () => {
  assert.equal(parseAnyTokenizerJson(good).eosId, 1);
  assertInvalid(edited((r) => (r['model'] = { type: 'WordPiece', vocab: {} })), /model\.type "WordPiece"; only "BPE" and "Unigram"/, parseAnyTokenizerJson);
  assertInvalid(edited((r) => delete r['model']), /model is missing/, parseAnyTokenizerJson);
  assertInvalid('{', /not valid JSON/, parseAnyTokenizerJson);
  const bpe = trainByteLevelBpe(['hello world, hello there'], { vocabSize: 260 });
  assert.deepEqual(parseAnyTokenizerJson(bpe.toJson()).encode('hello'), bpe.encode('hello'));
  // A BPE file reaches the BPE parser, with its own checks.
  assertInvalid(edited((r) => (r['model'] = { type: 'BPE', vocab: {}, merges: [] })), /unsupported normalizer/, parseAnyTokenizerJson);
  const dir = await mkdtemp(join(tmpdir(), 'unigram-'));
  try {
    await writeFile(join(dir, 'tokenizer.json'), good);
    assert.equal((await loadAnyTokenizer(join(dir, 'tokenizer.json'))).vocabSize, 404);
    await assert.rejects(loadAnyTokenizer(join(dir, 'missing.json')), (e: unknown) => isLaminiError(e, ErrorCodes.FILE_NOT_FOUND));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
