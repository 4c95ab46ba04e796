/**
 * The pieces under the encoder: the two merge algorithms agree, the byte alphabet is GPT-2's, the word cache
 * changes nothing when it empties, and decode handles what HF's decoder handles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isLaminiError } from '../../../../common/errors.ts';
import { BYTE_SYMBOL_ORDER, BYTE_TO_SYMBOL, byteOfSymbol, symbolsToBytes } from '../../../../trainers/tokenizer/byte-level.ts';
import { MergeTable, mergeByScan, mergeWithHeap } from '../../../../trainers/tokenizer/merges.ts';
import { ByteLevelBpeEncoder } from '../../../../trainers/tokenizer/encoder.ts';
import { trainByteLevelBpe } from '../../../../trainers/tokenizer/index.ts';
import { InstructionText, prng } from '../../../fixtures/tokenizer/text.ts';
import { parityStrings } from '../../../fixtures/tokenizer/strings.ts';

test('the scan and the heap merge every word alike', () => {
  const rnd = prng(5);
  for (let round = 0; round < 20; round++) {
    // Random merges over 4 base symbols; later merges may build on earlier results.
    let next = 4;
    const merges: [number, number, number][] = [];
    for (let m = 0; m < 30; m++) merges.push([Math.floor(rnd() * next), Math.floor(rnd() * next), next++]);
    const table = new MergeTable(merges, next);
    for (let w = 0; w < 50; w++) {
      const word = Array.from({ length: 1 + Math.floor(rnd() * 150) }, () => Math.floor(rnd() * 4));
      assert.deepEqual(mergeWithHeap([...word], table), mergeByScan([...word], table), `round ${round} word ${word.join('')}`);
    }
  }
});

test('later duplicates of a merge override earlier ones, as HF builds its merge map', () => {
  const table = new MergeTable([[0, 1, 2], [1, 1, 3], [0, 1, 4]], 5);
  assert.equal(table.rank(0, 1), 2);
  assert.deepEqual(mergeByScan([0, 1, 1], table), [0, 3]);
});

test("the byte alphabet is GPT-2's bytes_to_unicode", () => {
  assert.equal(new Set(BYTE_TO_SYMBOL).size, 256);
  assert.equal(BYTE_TO_SYMBOL[0x20], 'Ġ');
  assert.equal(BYTE_TO_SYMBOL[0x0a], 'Ċ');
  assert.equal(BYTE_TO_SYMBOL[0x00], 'Ā');
  assert.equal(BYTE_TO_SYMBOL[0xad], 'Ń');
  assert.equal(BYTE_TO_SYMBOL[0x41], 'A');
  assert.deepEqual([...BYTE_SYMBOL_ORDER].sort((a, b) => a - b), [...Array(256).keys()]);
  const codePoints = BYTE_SYMBOL_ORDER.map((b) => BYTE_TO_SYMBOL[b]?.codePointAt(0) ?? -1);
  assert.deepEqual(codePoints, [...codePoints].sort((a, b) => a - b));
  for (let b = 0; b < 256; b++) assert.equal(byteOfSymbol(BYTE_TO_SYMBOL[b] ?? ''), b);
  assert.deepEqual([...symbolsToBytes('ĠhiĊ')], [0x20, 0x68, 0x69, 0x0a]);
  assert.deepEqual([...symbolsToBytes('日')], [0xe6, 0x97, 0xa5]); // not byte symbols: its own UTF-8
});

test('a word cache that empties every few words encodes exactly as a large one', () => {
  const tokenizer = trainByteLevelBpe([...new InstructionText(4).examples(50_000)], { vocabSize: 600 });
  const json = JSON.parse(tokenizer.toJson());
  const vocab: Record<string, number> = json.model.vocab;
  const byteIds = Int32Array.from(BYTE_TO_SYMBOL, (s) => vocab[s] ?? -1);
  const merges = (json.model.merges as string[]).map((m): [number, number, number] => {
    const [a = '', b = ''] = m.split(' ');
    return [vocab[a] ?? -1, vocab[b] ?? -1, vocab[a + b] ?? -1];
  });
  const small = new ByteLevelBpeEncoder({
    byteIds,
    merges: new MergeTable(merges, 600),
    addedTokens: [{ id: 599, content: '<|endoftext|>', normalized: false }],
    cacheCapacity: 3,
  });
  for (const text of parityStrings(100, 8)) assert.deepEqual(small.encode(text), tokenizer.encode(text));
});

test('decode: a lone surrogate comes back as U+FFFD, a leading BOM is kept, split UTF-8 joins up, bad ids throw', () => {
  const tokenizer = trainByteLevelBpe(['x'], { vocabSize: 257 });
  assert.equal(tokenizer.decode(tokenizer.encode('a\ud800b')), 'a\ufffdb');
  assert.equal(tokenizer.decode(tokenizer.encode('\ufeffBOM')), '\ufeffBOM');
  const ids = tokenizer.encode('é');
  assert.equal(ids.length, 2);
  assert.equal(tokenizer.decode(ids.slice(0, 1)), '\ufffd');
  assert.equal(tokenizer.decode([...ids.slice(0, 1), ...ids.slice(1)]), 'é');
  assert.equal(tokenizer.decode([]), '');
  for (const bad of [257, -1, 1.5]) {
    assert.throws(() => tokenizer.decode([bad]), (e: unknown) => isLaminiError(e, ErrorCodes.USAGE));
  }
});
