import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { contentId, normaliseText } from '../../../common/hash.ts';
import { seedId } from '../../../seeds/index.ts';

test('normaliseText: NFKC, lower case, whitespace collapsed and trimmed', () => {
  assert.equal(normaliseText('  Hello\t\tWORLD \n '), 'hello world');
  assert.equal(normaliseText('ﬁne\u00a0Ｔｅｘｔ'), 'fine text', 'ligature and full-width letters fold, NBSP is whitespace');
  assert.equal(normaliseText('e\u0301'), 'é', 'combining marks compose');
});

test('contentId is the first 16 hex chars of sha256 over the normalised parts joined by a newline', () => {
  const expected = createHash('sha256').update('write a poem.\nabout cats').digest('hex').slice(0, 16);
  assert.equal(contentId('Write  a poem.', ' About CATS '), expected);
  assert.match(contentId('x'), /^[0-9a-f]{16}$/);
});

test('seed ids ignore case and spacing, but not where the input starts', () => {
  assert.equal(seedId('Name a colour.', ''), seedId('  name a   COLOUR. ', ''));
  assert.notEqual(seedId('Translate hello', ''), seedId('Translate', 'hello'));
  assert.notEqual(seedId('Add', '2 and 3'), seedId('Add', '2 and 4'));
});
