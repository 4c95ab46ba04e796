import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { importSeeds, seedId, RAW_CAP_BYTES } from '../../../seeds/index.ts';
import { isLaminiError } from '../../../common/errors.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/seeds/${name}`, import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-seeds-'));

test('JSONL: good lines become seeds; every bad line is a rejection with its line and reason', async () => {
  const r = await importSeeds(fixture('mixed.jsonl'), { source: 'mine' });
  assert.equal(r.format, 'jsonl');
  assert.deepEqual(r.seeds.map((s) => s.instruction), ['Name a primary colour.', 'Add the numbers.', 'Add the numbers.']);
  assert.deepEqual(r.seeds.map((s) => s.input), ['', '2 and 3', '2 and 4']);
  assert.deepEqual(
    r.rejected.map((x) => [x.line, x.reason]),
    [[2, 'malformed_json'], [4, 'not_an_object'], [5, 'missing_instruction'], [6, 'instruction_empty'], [9, 'field_not_text'], [11, 'not_an_object']],
  );
  for (const x of r.rejected) {
    assert.match(x.message, new RegExp(`^line ${x.line}: `));
    assert.ok(!x.message.includes('\n'), 'messages are one line');
    assert.ok(x.raw.length > 0);
  }
  assert.equal(r.rejected[0]?.raw, '{"instruction": "Broken line", "input": ');
  assert.deepEqual(r.duplicates, [{ line: 7, id: seedId('Name a primary colour.', ''), firstLine: 1 }], 'case/space variants collapse, first kept');
  assert.equal(r.records, 10, 'blank lines are not records');
  assert.equal(r.seeds.length + r.rejected.length + r.duplicates.length, r.records, 'nothing dropped silently');
  const seed = r.seeds[0];
  assert.deepEqual(seed, { id: seedId('Name a primary colour.', ''), instruction: 'Name a primary colour.', input: '', output: 'Red', source: 'mine', subset: '' });
  assert.equal(r.seeds[2]?.subset, 'math');
});

test('empty and 100 kB instructions are rejected with their codes; the limit is configurable; raw is capped at 64 kB', async () => {
  const dir = tmp();
  const file = join(dir, 'long.jsonl');
  const huge = 'word '.repeat(20_000); // 100 kB
  writeFileSync(file, [
    JSON.stringify({ instruction: '' }),
    JSON.stringify({ instruction: huge }),
    JSON.stringify({ instruction: 'short', input: 'x'.repeat(10_001) }),
    JSON.stringify({ instruction: 'y'.repeat(10_000) }),
  ].join('\n'));
  const r = await importSeeds(file, { source: 'mine' });
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[1, 'instruction_empty'], [2, 'instruction_too_long'], [3, 'input_too_long']]);
  assert.equal(r.seeds.length, 1, 'exactly 10,000 characters is allowed');
  assert.ok(Buffer.byteLength(r.rejected[1]?.raw ?? '') <= RAW_CAP_BYTES);
  assert.ok((r.rejected[1]?.raw.length ?? 0) >= RAW_CAP_BYTES - 4);
  const loose = await importSeeds(file, { source: 'mine', maxChars: 200_000 });
  assert.deepEqual(loose.rejected.map((x) => x.reason), ['instruction_empty']);
  const strict = await importSeeds(file, { source: 'mine', maxChars: 5 });
  assert.equal(strict.seeds.length, 0);
});

test('self-instruct seed tasks: instruction plus the first instance', async () => {
  const r = await importSeeds(fixture('self_instruct_tasks.jsonl'), { source: 'self_instruct' });
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output]), [
    ['Suggest a gift for the person described.', 'A friend who loves gardening and tea.', 'A set of herb seeds with a teapot.'],
    ['Is the number odd or even?', '17', 'Odd'],
    ['Write a motto for a hiking club.', '', 'Every summit starts with one step.'],
  ]);
  assert.equal(r.rejected.length, 0);
});

test('JSON array in Alpaca shape', async () => {
  const r = await importSeeds(fixture('alpaca.json'), { source: 'alpaca' });
  assert.equal(r.format, 'json');
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output]), [
    ['Give a synonym for happy.', '', 'Joyful'],
    ['Translate to German.', 'Good morning', 'Guten Morgen'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[3, 'instruction_empty']]);
  assert.match(r.rejected[0]?.message ?? '', /^item 3: /);
});

test('JSON object holding the array, with dotted field mapping', async () => {
  const fieldMap = { instruction: 'question', input: 'context.text', output: 'answer', subset: 'meta.task' };
  const r = await importSeeds(fixture('wrapped.json'), { source: 'quiz', fieldMap });
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output, s.subset]), [
    ['What is the boiling point of water at sea level in Celsius?', '', '100', 'science_qa'],
    ['Which planet is known as the Red Planet?', 'Think about the Solar System.', 'Mars', 'science_qa'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[3, 'missing_instruction']]);
  assert.match(r.rejected[0]?.message ?? '', /"question"/);
  const viaKey = await importSeeds(fixture('wrapped.json'), { source: 'quiz', fieldMap, jsonKey: 'data' });
  assert.equal(viaKey.seeds.length, 2);
});

test('field mapping reaches into arrays (instances.0.input) and overrides the detected shape', async () => {
  const r = await importSeeds(fixture('self_instruct_tasks.jsonl'), {
    source: 'x',
    fieldMap: { instruction: 'name', input: 'instances.1.input', output: 'instances.1.output' },
  });
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output]), [
    ['pick_a_gift', '', ''],
    ['odd_even', '4', 'Even'],
    ['no_input', '', ''],
  ]);
});

test('P3/FLAN inputs/targets: inputs is the instruction, targets the output, subset from task/template fields or the option', async () => {
  const r = await importSeeds(fixture('p3_inputs_targets.jsonl'), { source: 'p3' });
  assert.deepEqual(r.seeds.map((s) => [s.input, s.output, s.subset]), [
    ['', 'At nine', 'qa_from_passage'],
    ['', 'Positive', 'sentiment_is_this'],
    ['', 'yes', 'nli'],
    ['', 'Cat Climbs Tree', ''],
  ]);
  assert.ok(r.seeds[0]?.instruction.startsWith('Passage: The shop opens at nine.'));
  const withSubset = await importSeeds(fixture('p3_inputs_targets.jsonl'), { source: 'p3', subset: 'title_this' });
  assert.deepEqual(withSubset.seeds.map((s) => s.subset), ['title_this', 'title_this', 'title_this', 'title_this'], 'an explicit subset wins over detected ones');
});

test('CSV: a real RFC 4180 parse with rejections for bad records at their starting line', async () => {
  const r = await importSeeds(fixture('rfc4180.csv'), {
    source: 'csvseeds',
    fieldMap: { instruction: 'question', input: 'context', output: 'answer', subset: 'task' },
  });
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output, s.subset]), [
    ['What is 2+2?', '', '4', 'math'],
    ['Quote "this", please', 'A field with a comma, inside', 'done', 'text'],
    ['Multi-line\nquestion here?', 'line one\nline two', 'yes', 'text'],
    ['Last question?', '', 'last', 'misc'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[7, 'csv_column_count'], [8, 'malformed_csv'], [11, 'malformed_csv']]);
  assert.equal(r.rejected[0]?.raw, 'Too,few');
});

test('TSV and gzip are read by extension; an explicit format overrides it', async () => {
  const dir = tmp();
  const r = await importSeeds(fixture('simple.tsv'), { source: 'tsv', fieldMap: { instruction: 'prompt', output: 'answer' } });
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.output]), [['Say hi.', 'hi'], ['Count to three.', '1 2 3']]);
  const gz = join(dir, 'seeds.jsonl.gz');
  writeFileSync(gz, gzipSync('{"instruction":"Zipped one."}\n{"instruction":"Zipped two."}\n'));
  assert.equal((await importSeeds(gz, { source: 'gz' })).seeds.length, 2);
  const txt = join(dir, 'seeds.txt');
  writeFileSync(txt, '{"instruction":"From a .txt file."}\n');
  assert.equal((await importSeeds(txt, { source: 'txt', format: 'jsonl' })).seeds.length, 1);
});

test('a JSON Lines file named .json is read as JSON Lines', async () => {
  const dir = tmp();
  const file = join(dir, 'lines.json');
  writeFileSync(file, '{"instruction":"One."}\n{"instruction":"Two."}\nnot json\n');
  const r = await importSeeds(file, { source: 'x' });
  assert.equal(r.seeds.length, 2);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[3, 'malformed_json']]);
});

test('Parquet through DuckDB, nested self-instruct instances included', async () => {
  const dir = tmp();
  const file = join(dir, 'seeds.parquet');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (
    SELECT * FROM (VALUES
      ('Name the capital of France.', [{'input': '', 'output': 'Paris'}], 42::BIGINT),
      ('Reverse the word.', [{'input': 'stream', 'output': 'maerts'}], 7::BIGINT),
      ('', [], 1::BIGINT)
    ) t(instruction, instances, n)
  ) TO '${file}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  const r = await importSeeds(file, { source: 'pq' });
  assert.equal(r.format, 'parquet');
  assert.deepEqual(r.seeds.map((s) => [s.instruction, s.input, s.output]), [
    ['Name the capital of France.', '', 'Paris'],
    ['Reverse the word.', 'stream', 'maerts'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.reason]), [[3, 'instruction_empty']]);
  assert.match(r.rejected[0]?.message ?? '', /^row 3: /);
  const mapped = await importSeeds(file, { source: 'pq', fieldMap: { instruction: 'instruction', output: 'n' } });
  assert.deepEqual(mapped.seeds.map((s) => s.output), ['42', '7'], 'numbers become text');
});

test('missing, unreadable and unknown-format files fail with one line naming the file', async () => {
  const dir = tmp();
  await assert.rejects(importSeeds(join(dir, 'nope.jsonl'), { source: 'x' }), (e) =>
    isLaminiError(e, 'FILE_NOT_FOUND') && e.message.includes('nope.jsonl') && !e.message.includes('\n'));
  await assert.rejects(importSeeds(dir + '/', { source: 'x', format: 'jsonl' }), (e) => isLaminiError(e, 'FILE_UNREADABLE'));
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked.jsonl');
    writeFileSync(locked, '{"instruction":"x"}\n');
    chmodSync(locked, 0o000);
    await assert.rejects(importSeeds(locked, { source: 'x' }), (e) => isLaminiError(e, 'FILE_UNREADABLE') && e.message.includes('locked.jsonl'));
  }
  const xml = join(dir, 'seeds.xml');
  writeFileSync(xml, '<x/>');
  await assert.rejects(importSeeds(xml, { source: 'x' }), (e) => isLaminiError(e, 'USAGE') && e.message.includes('seeds.xml'));
  await assert.rejects(importSeeds(xml, { source: 'x', format: 'yaml' as 'json' }), (e) => isLaminiError(e, 'USAGE'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '[{"instruction": "x"},');
  await assert.rejects(importSeeds(bad, { source: 'x' }), (e) => isLaminiError(e, 'FILE_UNREADABLE') && e.message.includes('bad.json'));
  const notPq = join(dir, 'fake.parquet');
  writeFileSync(notPq, 'not parquet at all');
  await assert.rejects(importSeeds(notPq, { source: 'x' }), (e) => isLaminiError(e, 'FILE_UNREADABLE') && e.message.includes('fake.parquet'));
  await assert.rejects(importSeeds(fixture('mixed.jsonl'), { source: '../etc' }), (e) => isLaminiError(e, 'USAGE'));
});
