/**
 * Each converter on a small file written in its published layout (test/fixtures/eval), compared line by line
 * with the prompt lm-evaluation-harness's task config builds for it (the mapping in docs/evaluation.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ErrorCodes, isLaminiError } from '../../../common/errors.ts';
import { convertFile, FORMATS, hellaswagPreprocess, pyCapitalize } from '../../../eval/convert/index.ts';
import { readTask } from '../../../eval/tasks/index.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/eval/', import.meta.url));

async function convert(t: { after(fn: () => Promise<void>): void }, format: string, file: string, labels?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-convert-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, `${format}.jsonl`);
  const summary = await convertFile(format, join(FIXTURES, file), out, labels === undefined ? {} : { labels: join(FIXTURES, labels) });
  const lines = (await readFile(out, 'utf8')).trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  if (lines.length > 0) await readTask(out); // every non-empty output is a valid task file
  return { summary, lines };
}

test('every format the docs list is known', () => {
  assert.deepEqual([...FORMATS].sort(), [
    'arc', 'boolq', 'glue-cola', 'glue-mnli', 'glue-mrpc', 'glue-qnli', 'glue-qqp', 'glue-rte', 'glue-sst2', 'glue-wnli',
    'hellaswag', 'openbookqa', 'piqa', 'sciq', 'wic', 'winogrande', 'wsc',
  ]);
});

test('sciq: support (left-stripped), question, four choices with the correct answer last', async (t) => {
  const { lines } = await convert(t, 'sciq', 'sciq.jsonl');
  assert.deepEqual(lines, [
    { id: '1', context: 'Leaves take in a gas from the air.\nQuestion: What gas do plants take in to make sugar?\nAnswer:', choices: ['helium', 'neon', 'argon', 'carbon dioxide'], gold: 3 },
    { id: '2', context: '\nQuestion: Which organ pumps blood?\nAnswer:', choices: ['lung', 'kidney', 'liver', 'heart'], gold: 3 },
  ]);
});

test('arc: Hugging Face and AI2 layouts; numeric labels; an empty answerKey is left out and counted', async (t) => {
  const hf = await convert(t, 'arc', 'arc-hf.jsonl');
  assert.deepEqual(hf.lines, [
    { id: 'Demo_1', context: 'Question: Which tool measures mass?\nAnswer:', choices: ['ruler', 'balance', 'clock', 'thermometer'], gold: 1 },
    { id: 'Demo_2', context: 'Question: Which is a liquid at room temperature?\nAnswer:', choices: ['iron', 'water', 'salt'], gold: 1 },
  ]);
  assert.deepEqual(hf.summary, { format: 'arc', records: 3, written: 2, unlabelled: 1 });
  const original = await convert(t, 'arc', 'arc-original.jsonl');
  assert.deepEqual(original.lines, [{ id: 'Orig_1', context: 'Question: What melts ice fastest?\nAnswer:', choices: ['sunlight', 'shade'], gold: 0 }]);
});

test('arc from Parquet with a nested choices struct, as the hub serves it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-convert-pq-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const parquet = join(dir, 'test-00000-of-00001.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT 'Q_9' AS id, 'Which is warm?' AS question,
    {'text': ['ice', 'fire'], 'label': ['A', 'B']} AS choices, 'B' AS answerKey) TO '${parquet}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  const out = join(dir, 'arc.jsonl');
  assert.deepEqual(await convertFile('arc', parquet, out), { format: 'arc', records: 1, written: 1, unlabelled: 0 });
  assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), { id: 'Q_9', context: 'Question: Which is warm?\nAnswer:', choices: ['ice', 'fire'], gold: 1 });
});

test('openbookqa: the stem alone; answerKey left-stripped', async (t) => {
  const { lines } = await convert(t, 'openbookqa', 'openbookqa.jsonl');
  assert.deepEqual(lines, [{ id: '7-001', context: 'A magnet will stick to', choices: ['wood', 'an iron nail', 'glass', 'paper'], gold: 1 }]);
});

test('piqa: label in the row, or in the original release\'s separate labels file', async (t) => {
  const { lines } = await convert(t, 'piqa', 'piqa.jsonl');
  assert.deepEqual(lines, [{ id: '1', context: 'Question: Keep bread fresh\nAnswer:', choices: ['Leave it open on the counter.', 'Seal it in a bag.'], gold: 1 }]);
  const original = await convert(t, 'piqa', 'piqa-original.jsonl', 'piqa-original-labels.lst');
  assert.deepEqual(original.lines.map((l) => (l as { gold: number }).gold), [0, 1]);
  const unlabelled = await convert(t, 'piqa', 'piqa-original.jsonl');
  assert.deepEqual(unlabelled.summary, { format: 'piqa', records: 2, written: 0, unlabelled: 2 });
});

test('hellaswag: the harness preprocess, byte for byte (capitalize lowers the rest; "   " becomes "  ")', async (t) => {
  assert.equal(pyCapitalize('HE then'), 'He then');
  assert.equal(pyCapitalize(''), '');
  assert.equal(hellaswagPreprocess('adds two eggs [step]  and stirs.'), 'adds two eggs  and stirs.');
  const { lines } = await convert(t, 'hellaswag', 'hellaswag.jsonl');
  assert.deepEqual(lines, [
    { id: '4', context: 'Baking cookies: A man mixes flour in a bowl. He then', choices: ['adds two eggs  and stirs.', 'throws the bowl.', 'sings a song.', 'sleeps.'], gold: 0 },
    { id: '5', context: 'Home: How to fold a shirt. Lay it flat.', choices: ['Fold the sleeves in.', 'Burn it.', 'Eat it.', 'Paint it.'], gold: 0 },
  ]);
});

test('winogrande: partial scoring, each option closing its own context; the rest of the sentence is scored', async (t) => {
  const { lines, summary } = await convert(t, 'winogrande', 'winogrande.jsonl');
  assert.deepEqual(lines, [{
    id: 'w-1',
    contexts: ['The cup did not fit in the box because the cup', 'The cup did not fit in the box because the box'],
    continuation: 'was too big.',
    gold: 0,
  }]);
  assert.equal(summary.unlabelled, 1);
});

test('boolq: SuperGLUE labels (-1 left out) and the original boolean answer', async (t) => {
  const sg = await convert(t, 'boolq', 'boolq-superglue.jsonl');
  assert.deepEqual(sg.lines, [{ id: '0', context: 'The moon orbits the earth.\nQuestion: is the moon a planet?\nAnswer:', choices: ['no', 'yes'], gold: 0 }]);
  assert.equal(sg.summary.unlabelled, 1);
  const original = await convert(t, 'boolq', 'boolq-original.jsonl');
  assert.deepEqual(original.lines, [{ id: '1', context: 'Cats often purr.\nQuestion: do cats purr?\nAnswer:', choices: ['no', 'yes'], gold: 1 }]);
});

test('glue: rte, mnli (a full stop added when missing), sst2', async (t) => {
  assert.deepEqual((await convert(t, 'glue-rte', 'glue-rte.jsonl')).lines, [
    { id: '0', context: 'A dog runs in the park.\nQuestion: An animal is outside. True or False?\nAnswer:', choices: ['True', 'False'], gold: 0 },
  ]);
  assert.deepEqual((await convert(t, 'glue-mnli', 'glue-mnli.jsonl')).lines, [
    { id: '0', context: 'The shop opens at nine.\nQuestion: The shop opens in the morning. True, False or Neither?\nAnswer:', choices: ['True', 'Neither', 'False'], gold: 0 },
    { id: '1', context: 'It rained all day.\nQuestion: The ground is dry. True, False or Neither?\nAnswer:', choices: ['True', 'Neither', 'False'], gold: 2 },
  ]);
  assert.deepEqual((await convert(t, 'glue-sst2', 'glue-sst2.jsonl')).lines, [
    { id: '0', context: 'a warm and funny film \nQuestion: Is this sentence positive or negative?\nAnswer:', choices: ['negative', 'positive'], gold: 1 },
  ]);
});

test('a file in another layout is CONVERT_INPUT_INVALID naming the record and fields; nothing is written', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-convert-bad-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.jsonl');
  await assert.rejects(convertFile('sciq', join(FIXTURES, 'bad-sciq.jsonl'), out), (e: unknown) =>
    isLaminiError(e, ErrorCodes.CONVERT_INPUT_INVALID) && /record 1: .*"distractor1" must be a string/.test(e.message));
  await assert.rejects(readFile(out), { code: 'ENOENT' });
  await assert.rejects(convertFile('squad', join(FIXTURES, 'sciq.jsonl'), out), (e: unknown) => isLaminiError(e, ErrorCodes.USAGE));
});

test('docs/evaluation.md lists the mapping of exactly the formats there are', async () => {
  const doc = await readFile(fileURLToPath(new URL('../../../docs/evaluation.md', import.meta.url)), 'utf8');
  const section = doc.slice(doc.indexOf('## Converting the public sets'), doc.indexOf('## Checking against the harness'));
  const listed = [...section.matchAll(/^\| `([a-z0-9][a-z0-9-]*)` \|/gm)].map((m) => m[1] ?? '');
  assert.deepEqual(listed.sort(), [...FORMATS].sort());
});

test('wic: the word cut from sentence1 by code-point offsets (Python slicing), not UTF-16 units', async (t) => {
  const { lines, summary } = await convert(t, 'wic', 'wic.jsonl');
  assert.deepEqual(lines, [{
    id: '0',
    context: "Sentence 1: 🌊 Sat by the bank of the river.\nSentence 2: She paid the money into the bank.\nQuestion: Is the word 'bank' used in the same way in the two sentences above?\nAnswer:",
    choices: ['no', 'yes'],
    gold: 0,
  }]);
  assert.equal(summary.unlabelled, 1);
});

test('wsc: the pronoun marked in the passage, then the harness\'s general_detokenize', async (t) => {
  const { lines } = await convert(t, 'wsc', 'wsc.jsonl');
  assert.deepEqual(lines, [{
    id: '3',
    context: 'Passage: Mark told Pete many lies about himself, which Pete included in his book. *He* should have been more truthful.\n' +
      'Question: In the passage above, does the pronoun "*He*" refer to "*Mark*"?\nAnswer:',
    choices: ['no', 'yes'],
    gold: 1,
  }]);
});
