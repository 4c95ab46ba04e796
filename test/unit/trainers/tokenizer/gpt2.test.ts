/**
 * A real GPT-2 vocabulary: the tokenizer.json of a GPT-2 checkpoint, derived from the r50k_base ranks that
 * `gpt-tokenizer` ships (test/fixtures/tokenizer/gpt2.ts), loaded with parseTokenizerJson, encodes the parity
 * strings to the same ids as gpt-tokenizer's own r50k_base encoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { parseTokenizerJson } from '../../../../trainers/tokenizer/index.ts';
import { gpt2TokenizerJson } from '../../../fixtures/tokenizer/gpt2.ts';
import { parityStrings } from '../../../fixtures/tokenizer/strings.ts';

/**
 * r50k with `<|endoftext|>` allowed, as tiktoken's `allowed_special`. gpt-tokenizer 3.4.0's own option only finds
 * the special token at the very start of the text (its search regex is sticky), so we cut the text ourselves.
 */
function r50kWithSpecial(text: string): number[] {
  return text.split('<|endoftext|>').flatMap((part, i) => (i === 0 ? r50kEncode(part) : [50256, ...r50kEncode(part)]));
}

test("GPT-2's vocabulary loaded from a derived tokenizer.json encodes exactly as gpt-tokenizer's r50k_base", () => {
  const gpt2 = parseTokenizerJson(gpt2TokenizerJson(), 'derived GPT-2 tokenizer.json');
  assert.equal(gpt2.vocabSize, 50257);
  assert.equal(gpt2.eosId, 50256);
  const strings = parityStrings(400, 23);
  for (const text of strings) {
    const ids = gpt2.encode(text);
    assert.deepEqual(ids, r50kWithSpecial(text), `ids differ for ${JSON.stringify(text)}`);
    assert.equal(gpt2.decode(ids), text);
  }
  // Well-known GPT-2 ids.
  assert.deepEqual(gpt2.encode('Hello world'), [15496, 995]);
  assert.deepEqual(gpt2.encode('<|endoftext|>'), [50256]);
});
