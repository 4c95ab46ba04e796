import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../../seeds/index.ts';
import type { CsvRecord } from '../../../seeds/index.ts';

async function parse(text: string, chunkSize = text.length || 1, delimiter = ','): Promise<CsvRecord[]> {
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize);
  }
  const out: CsvRecord[] = [];
  for await (const r of parseCsv(chunks(), { delimiter })) out.push(r);
  return out;
}

const SAMPLE = 'a,b,c\r\n"x, y","say ""hi""",z\r\n"multi\r\nline",2,3\n\nlast,,\n';

test('RFC 4180: quoted delimiters, doubled quotes, line breaks inside quotes, CRLF and LF', async () => {
  const records = await parse(SAMPLE);
  assert.deepEqual(records.map((r) => r.fields), [
    ['a', 'b', 'c'],
    ['x, y', 'say "hi"', 'z'],
    ['multi\r\nline', '2', '3'],
    ['last', '', ''],
  ]);
  assert.deepEqual(records.map((r) => r.line), [1, 2, 3, 6], 'each record knows the line it starts on; the blank line is skipped');
  assert.ok(records.every((r) => r.error === undefined));
});

test('the same records whatever the chunk boundaries', async () => {
  const whole = await parse(SAMPLE);
  for (const size of [1, 2, 3, 5, 7]) assert.deepEqual(await parse(SAMPLE, size), whole, `chunk size ${size}`);
});

test('text after a closing quote and an unclosed quote are reported, not guessed', async () => {
  const records = await parse('"ok"x,1\nfine,2\n"open,3\nmore');
  assert.match(records[0]?.error ?? '', /after a closing quote/);
  assert.equal(records[1]?.error, undefined);
  assert.equal(records[2]?.line, 3);
  assert.match(records[2]?.error ?? '', /never closed/);
});

test('a quote inside an unquoted field is kept as text; other delimiters work', async () => {
  assert.deepEqual((await parse('5" pipe;ok\n', undefined, ';'))[0]?.fields, ['5" pipe', 'ok']);
  assert.deepEqual((await parse('a\tb\n', undefined, '\t'))[0]?.fields, ['a', 'b']);
});
