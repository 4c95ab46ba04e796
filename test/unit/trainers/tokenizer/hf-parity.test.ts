/**
 * Parity with `@huggingface/tokenizers` (the JS port of HF `tokenizers`): a tokenizer we train, written with
 * toJson() and opened there, gives the same ids for a few hundred varied strings, and both decode them back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { parseTokenizerJson, trainByteLevelBpe, type Tokenizer } from '../../../../trainers/tokenizer/index.ts';
import { InstructionText } from '../../../fixtures/tokenizer/text.ts';
import { CATEGORIES, parityStrings } from '../../../fixtures/tokenizer/strings.ts';

const strings = parityStrings();
// Instruction-like text plus the test strings themselves, so that merges cover CJK, emoji and code too.
const trainingTexts = [...new InstructionText(5).examples(400_000), ...strings, ...strings];

function hfIds(hf: HfTokenizer, text: string): number[] {
  return hf.encode(text, { add_special_tokens: false }).ids;
}

function checkParity(ours: Tokenizer, hf: HfTokenizer): void {
  for (const text of strings) {
    const ids = ours.encode(text);
    assert.deepEqual(ids, hfIds(hf, text), `ids differ for ${JSON.stringify(text)}`);
    assert.equal(ours.decode(ids), text, `round trip fails for ${JSON.stringify(text)}`);
    assert.equal(hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }), text);
  }
}

test('a trained tokenizer encodes every parity string to the same ids as @huggingface/tokenizers', () => {
  assert.ok(strings.length >= 300, `only ${strings.length} strings`);
  const ours = trainByteLevelBpe(trainingTexts, { vocabSize: 2000 });
  assert.equal(ours.vocabSize, 2000);
  const hf = new HfTokenizer(JSON.parse(ours.toJson()), {});
  assert.equal(hf.token_to_id('<|endoftext|>'), ours.eosId);
  checkParity(ours, hf);
  // The strings do exercise merges: far fewer tokens than bytes.
  const bytes = strings.reduce((n, s) => n + Buffer.byteLength(s), 0);
  const tokens = strings.reduce((n, s) => n + ours.encode(s).length, 0);
  assert.ok(tokens < bytes / 2, `${tokens} tokens for ${bytes} bytes`);
});

test('parity holds with no merges at all (vocabSize 257: bytes and <|endoftext|>)', () => {
  const ours = trainByteLevelBpe(trainingTexts.slice(0, 50), { vocabSize: 257 });
  assert.equal(ours.eosId, 256);
  const hf = new HfTokenizer(JSON.parse(ours.toJson()), {});
  checkParity(ours, hf);
  assert.equal(ours.encode('héllo').length, 6);
});

test('the file read back by parseTokenizerJson encodes as the trained object and writes the same text', () => {
  const ours = trainByteLevelBpe(trainingTexts, { vocabSize: 700 });
  const reread = parseTokenizerJson(ours.toJson(), 'round trip');
  assert.equal(reread.vocabSize, ours.vocabSize);
  assert.equal(reread.eosId, ours.eosId);
  assert.equal(reread.toJson(), ours.toJson());
  for (const text of strings) assert.deepEqual(reread.encode(text), ours.encode(text));
});

test('a literal <|endoftext|> in text becomes the special id, as in HF, and decodes back to itself', () => {
  const ours = trainByteLevelBpe(trainingTexts, { vocabSize: 600 });
  const ids = ours.encode('end.<|endoftext|>next');
  assert.equal(ids.filter((id) => id === ours.eosId).length, 1);
  assert.equal(ours.decode(ids), 'end.<|endoftext|>next');
  for (const text of CATEGORIES['special'] ?? []) {
    const expected = text.split('<|endoftext|>').length - 1;
    assert.equal(ours.encode(text).filter((id) => id === ours.eosId).length, expected, JSON.stringify(text));
  }
});
