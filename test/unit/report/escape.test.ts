import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isLaminiError } from '../../../common/errors.ts';
import { escapeHtml, jsonForScript } from '../../../report/index.ts';
import { inlineScript } from '../../../report/escape.ts';
import { HOSTILE_INSTRUCTION, HOSTILE_RESPONSE } from './fixture.ts';

test('escapeHtml leaves no markup characters', () => {
  const out = escapeHtml(HOSTILE_INSTRUCTION);
  assert.doesNotMatch(out, /[<>"']/);
  assert.equal(escapeHtml(`a & b <c> "d" 'e'`), 'a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39;');
});

test('jsonForScript cannot close its script element and reads back unchanged', () => {
  const value = { text: HOSTILE_INSTRUCTION, more: [HOSTILE_RESPONSE, '<!-- x -->', 'line\u2028sep\u2029'] };
  const out = jsonForScript(value);
  assert.doesNotMatch(out, /<|>|&|\u2028|\u2029/);
  assert.deepEqual(JSON.parse(out), value);
});

test('a script that could end its element early is refused with a typed error', () => {
  assert.equal(inlineScript('var a = 1 < 2;', 'x'), 'var a = 1 < 2;');
  assert.throws(() => inlineScript('var s = "</script>";', 'x'), (e: unknown) => isLaminiError(e, ErrorCodes.INTERNAL));
  assert.throws(() => inlineScript('var s = "<!--";', 'x'), (e: unknown) => isLaminiError(e, ErrorCodes.INTERNAL));
});
