/**
 * docs/troubleshooting.md has one entry (a `### \`CODE\`` heading) per error code of common/errors.ts and per
 * dead-letter and drop reason of streams/reasons.ts, and no entry for a code that no longer exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ErrorCodes } from '../../../common/errors.ts';
import { DEAD_LETTER_REASONS, DROP_REASONS } from '../../../streams/reasons.ts';

const page = await readFile(new URL('../../../docs/troubleshooting.md', import.meta.url), 'utf8');
const entries = [...page.matchAll(/^### `([A-Za-z_]+)`$/gm)].map((m) => m[1]!);
/** The text of one entry, up to the next heading. */
const entry = (code: string): string => page.split(`### \`${code}\`\n`)[1]?.split(/^#{2,3} /m)[0]?.trim() ?? '';

test('every error code has an entry that says what it means and what to do', () => {
  const missing = Object.values(ErrorCodes).filter((code) => !entries.includes(code));
  assert.deepEqual(missing, [], `add these codes to docs/troubleshooting.md: ${missing.join(', ')}`);
  for (const code of Object.values(ErrorCodes)) assert.ok(entry(code).length >= 40, `${code}: the entry is too short to help`);
});

test('every dead-letter and drop reason has an entry in its section', () => {
  const dead = page.split('## Dead-letter reasons')[1]?.split('## Drop reasons')[0] ?? '';
  const drop = page.split('## Drop reasons')[1] ?? '';
  for (const reason of DEAD_LETTER_REASONS) assert.ok(dead.includes(`### \`${reason}\`\n`), `dead-letter reason ${reason}`);
  for (const reason of DROP_REASONS) assert.ok(drop.includes(`### \`${reason}\`\n`), `drop reason ${reason}`);
});

test('no entry for a code that does not exist', () => {
  const known = new Set<string>([...Object.values(ErrorCodes), ...DEAD_LETTER_REASONS, ...DROP_REASONS]);
  assert.deepEqual(entries.filter((e) => !known.has(e)), []);
  assert.equal(new Set(entries).size, entries.length, 'each code once');
});
