/**
 * Rows to an encoder-decoder batch: the encoder reads the Alpaca instruction part and the end token (its last
 * tokens when too long), the decoder the start token and the response shifted right, every target counted, the
 * padding masked (encoder) or weighted 0 (decoder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alpacaPrompt } from '../../../trainers/prompt.ts';
import { encodeSeq2SeqExample, makeSeq2SeqBatch } from '../../../trainers/seq2seq-batch.ts';

/** One id per word (its length + 10), the end token 1: easy to read back. */
const words = { eosId: 1, encode: (text: string): number[] => text.split(/\s+/).filter((w) => w !== '').map((w) => w.length + 10) };

test('the encoder reads the prompt and the end token, the target is the response and the end token', () => {
  const row = { instruction: 'Name a colour', input: '', response: ' red or blue ' };
  const e = encodeSeq2SeqExample(row, words, 512);
  assert.deepEqual(e.source, [...words.encode(alpacaPrompt(row)), 1]);
  assert.ok(alpacaPrompt(row).endsWith('### Response:\n'));
  assert.deepEqual(e.target, [13, 12, 14, 1]);
  const short = encodeSeq2SeqExample(row, words, 3);
  assert.deepEqual(short.source, [...words.encode(alpacaPrompt(row)).slice(-2), 1], 'the last tokens and the end token');
  assert.deepEqual(short.target, [13, 12, 14], 'the first tokens');
});

test('a batch pads on the right: decoder ids are the start token and the targets shifted, padding masked and weighted 0', () => {
  const batch = makeSeq2SeqBatch([{ source: [5, 6, 1], target: [7, 8, 1] }, { source: [9, 1], target: [1] }], { padId: 0, decoderStartId: 2 });
  assert.equal(batch.encoderTime, 3);
  assert.equal(batch.decoderTime, 3);
  assert.deepEqual([...batch.encoderIds], [5, 6, 1, 9, 1, 0]);
  assert.deepEqual([...batch.encoderMask], [1, 1, 1, 1, 1, 0]);
  assert.deepEqual([...batch.decoderIds], [2, 7, 8, 2, 0, 0]);
  assert.deepEqual([...batch.targets], [7, 8, 1, 1, 0, 0]);
  assert.deepEqual([...batch.weights], [1, 1, 1, 1, 0, 0]);
  assert.equal(batch.lossTokens, 4);
  assert.equal(batch.tokens, 3 + 3 + 2 + 1);
});
