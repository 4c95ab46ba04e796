/**
 * Each metric against values worked out by hand (the arithmetic is in the comments), including the cases where
 * Python's len(), numpy's argmax and SQuAD's normalisation differ from a naive JavaScript version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  argmax, charLength, exactMatch, lcsLength, mean, meanStderr, normalizeAnswer, rougeL, sampleStddev, scoreChoices, tokenF1,
} from '../../../eval/metrics/index.ts';

const close = (actual: number | null, expected: number, eps = 1e-12): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < eps, `${actual} ≈ ${expected}`);
};

test('charLength counts code points, as Python len(): not UTF-16 units, bytes or graphemes', () => {
  assert.equal(charLength('abcd'), 4);
  assert.equal(charLength('🙂🙂🙂'), 3); // "🙂🙂🙂".length is 6 in JavaScript, 12 bytes in UTF-8
  assert.equal(charLength('\u00e9'), 1); // é precomposed
  assert.equal(charLength('e\u0301'), 2); // e + combining acute: one grapheme, two code points
  assert.equal(charLength('日本語'), 3);
  assert.equal(charLength(''), 0);
});

test('acc_norm divides by characters: the emoji choice wins per UTF-16 unit and per byte, loses per character', () => {
  // lls: 🙂🙂🙂 -3.3, abcd -4.0. acc: argmax(-3.3, -4.0) = 0.
  // per character: -3.3/3 = -1.1 and -4.0/4 = -1.0, so choice 1 (the harness's answer);
  // per UTF-16 unit it would be -3.3/6 = -0.55 (choice 0), per byte -3.3/12 (choice 0).
  const s = scoreChoices([-3.3, -4.0], ['🙂🙂🙂', 'abcd'], 1);
  assert.deepEqual(s, { pred: 0, predNorm: 1, acc: 0, accNorm: 1 });
  // Combining marks count: "e\u0301t\u0301" is 4 characters: -4/4 = -1.0 beats "ab" at -2.2/2 = -1.1.
  assert.deepEqual(scoreChoices([-2.2, -4], ['ab', 'e\u0301t\u0301'], 1), { pred: 0, predNorm: 1, acc: 0, accNorm: 1 });
});

test('ties go to the first choice (np.argmax), for acc and acc_norm alike', () => {
  assert.deepEqual(scoreChoices([-2, -2, -3], ['ab', 'cd', 'e'], 1), { pred: 0, predNorm: 0, acc: 0, accNorm: 0 });
  assert.equal(argmax([1, 5, 5, 2]), 1);
  // numpy returns the first NaN: an empty choice with log-likelihood 0 gives 0/0.
  assert.equal(argmax([-1, Number.NaN, 3]), 1);
  // A negative log-likelihood over an empty choice is -inf, never picked over a finite one.
  assert.equal(scoreChoices([-1, -0.5], ['', 'abc'], 1).predNorm, 1);
});

test('mean, sample stddev and mean_stderr as the harness: [1, 0, 1, 1] → 0.75 ± 0.25', () => {
  // mean 0.75; squared deviations 0.0625 × 3 + 0.5625 = 0.75; / (n - 1 = 3) = 0.25; sd 0.5; / sqrt(4) = 0.25
  close(mean([1, 0, 1, 1]), 0.75);
  close(sampleStddev([1, 0, 1, 1]), 0.5);
  close(meanStderr([1, 0, 1, 1]), 0.25);
  // [0, 1]: mean 0.5, sd sqrt(0.5), stderr sqrt(0.5)/sqrt(2) = 0.5
  close(meanStderr([0, 1]), 0.5);
  assert.equal(meanStderr([1]), null, 'one item: N/A, as evaluator_utils does for len(items) <= 1');
  assert.equal(meanStderr([]), null);
});

test('SQuAD normalisation, exact match and token F1, with Unicode punctuation', () => {
  assert.equal(normalizeAnswer('  The  Cat, sat!  '), 'cat sat');
  assert.equal(exactMatch('The Cat!', 'cat'), 1);
  assert.equal(exactMatch('a cat', 'cats'), 0);
  // pred tokens quick brown fox, ref quick fox jumps: 2 shared; P = R = 2/3; F1 = 2/3
  close(tokenF1('the quick brown fox', 'a quick fox jumps'), 2 / 3);
  // « » are Unicode punctuation (Pi/Pf): removed like ASCII punctuation
  assert.equal(exactMatch('Café «crème»', 'café crème'), 1);
  close(tokenF1('Café «crème»', 'café crème'), 1);
  // repeated tokens count as a multiset: pred "a a b" → [b] after articles go; use non-articles:
  // pred x x y (3), ref x y y (3): shared min(2,1) + min(1,2) = 2; P = R = 2/3
  close(tokenF1('x x y', 'x y y'), 2 / 3);
  assert.equal(tokenF1('', ''), 1);
  assert.equal(tokenF1('the', ''), 1, 'both normalise to no tokens');
  assert.equal(tokenF1('cat', ''), 0);
  assert.equal(tokenF1('dog', 'cat'), 0);
});

test('ROUGE-L: the LCS F-measure over lower-cased letter and digit runs', () => {
  // the cat sat on the mat / the cat is on the mat: LCS the cat on the mat = 5 of 6 each: F = 5/6
  close(rougeL('the cat sat on the mat', 'the cat is on the mat'), 5 / 6);
  // ünïcode wörds here (3) / Ünïcode wörds (2): LCS 2; P 2/3, R 1; F = 2·(2/3)·1 / (5/3) = 0.8
  close(rougeL('ünïcode wörds here', 'Ünïcode wörds'), 0.8);
  // order matters: a b c / c b a: LCS 1; P = R = 1/3
  close(rougeL('a b c', 'c b a'), 1 / 3);
  assert.equal(rougeL('', 'x'), 0);
  assert.equal(rougeL('!!!', 'x'), 0);
  assert.equal(lcsLength(['a', 'b', 'c', 'b', 'd', 'a', 'b'], ['b', 'd', 'c', 'a', 'b', 'a']), 4);
});
