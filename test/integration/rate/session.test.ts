/**
 * The rating session against the real results store and answer cache, with stand-in students (their answers are
 * a function of the checkpoint and the prompt, and every call is counted): resume, a changed mind, a retrained
 * checkpoint, the order, and the instruction files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isLaminiError } from '../../../common/errors.ts';
import { readResults } from '../../../eval/index.ts';
import { AnswerCache, answerOrder, answersFile, parseInstructions, RatingSession, readInstructions, type RatedStudent } from '../../../rate/index.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-rate-session-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function fakeStudent(checkpoint: string, identity: string, calls: string[]): RatedStudent {
  return {
    checkpoint, identity,
    generate: async (prompt) => {
      calls.push(checkpoint);
      const instruction = /### Instruction:\n(.*)\n/.exec(prompt)?.[1] ?? '';
      return { text: ` ${identity} says: ${instruction.toUpperCase()} `, tokens: 5, finishReason: 'eos' };
    },
  };
}

const SET = parseInstructions(['{"id":"one","instruction":"First?"}', '{"id":"two","instruction":"Second?","input":"ctx"}'].join('\n'), 'set');

test('the shipped instruction set parses: 42 items, unique ids, about a third with an input', async () => {
  const set = await readInstructions(new URL('../../../data/rate/user-oriented.jsonl', import.meta.url).pathname);
  assert.equal(set.name, 'user-oriented');
  assert.equal(set.items.length, 42);
  assert.equal(new Set(set.items.map((i) => i.id)).size, 42);
  const withInput = set.items.filter((i) => i.input !== '').length;
  assert.ok(withInput >= 8 && withInput <= 20, String(withInput));
});

test('instruction files: every problem with its line; ids default to a hash of the text, the same every time', () => {
  const bad = (() => {
    try {
      parseInstructions('{"instruction":"a","id":"x"}\nnot json\n{"instruction":""}\n{"instruction":"b","id":"x"}\n[1]', 'f');
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  assert.ok(isLaminiError(bad, ErrorCodes.RATE_INSTRUCTIONS_INVALID), String(bad));
  assert.deepEqual(bad.details['issues'], [
    'line 2: not JSON', 'line 3: instruction: expected a non-empty string', 'line 4: id x repeats line 1', 'line 5: expected an object',
  ]);
  const a = parseInstructions('{"instruction":"Same"}', 'f');
  const b = parseInstructions('\n{"instruction":"Same","other":1}\n', 'f');
  assert.equal(a.items[0]?.id, b.items[0]?.id);
  assert.match(a.items[0]?.id ?? '', /^[0-9a-f]{12}$/);
  assert.throws(() => parseInstructions('\n\n', 'f'), (e: unknown) => isLaminiError(e, ErrorCodes.RATE_INSTRUCTIONS_INVALID));
});

test('the answer order is a permutation, stable per (seed, item), and balanced across items', () => {
  assert.deepEqual(answerOrder(4, 1, 'x'), answerOrder(4, 1, 'x'));
  assert.deepEqual([...answerOrder(5, 7, 'y')].sort(), [0, 1, 2, 3, 4]);
  const firsts = Array.from({ length: 400 }, (_, i) => answerOrder(2, 1, `item-${i}`)[0]);
  const share = firsts.filter((s) => s === 0).length / firsts.length;
  assert.ok(share > 0.42 && share < 0.58, String(share));
  const seeds = new Set(Array.from({ length: 20 }, (_, s) => answerOrder(3, s, 'z').join()));
  assert.ok(seeds.size > 1, 'the seed changes the order');
});

test('rate, resume, change a rating, retrain a checkpoint: the store and the page agree', async (t) => {
  const dataDir = await tempDir(t);
  const calls: string[] = [];
  const students = [fakeStudent('/ckpt/a', 'a-v1', calls), fakeStudent('/ckpt/b', 'b-v1', calls)];
  const open = async (list: RatedStudent[]): Promise<RatingSession> =>
    RatingSession.open({ dataDir, students: list, set: SET, cache: await AnswerCache.open(dataDir), rater: 'r1', seed: 3, maxTokens: 32 });

  const s1 = await open(students);
  assert.equal(s1.firstUnrated(), 0);
  const item = await s1.item(0);
  assert.deepEqual(item.answers.map((a) => a.grade), [null, null]);
  const bySlot = answerOrder(2, 3, 'one').map((i) => students[i]?.checkpoint);
  await s1.rate(0, 0, 'A');
  const after = await s1.rate(0, 1, 'D');
  assert.deepEqual(after.answers.map((a) => a.grade), ['A', 'D']);
  assert.deepEqual(after.progress, { rated: 2, total: 4, items: 2, itemsDone: 1 });
  assert.equal(s1.firstUnrated(), 1);
  // The answer text is the student's own, trimmed; the slots map to the checkpoints the rows name.
  const rows = await readResults(dataDir);
  assert.deepEqual(rows.map((r) => [r.checkpoint, r.label, r.value]), [[bySlot[0], 'A', 4], [bySlot[1], 'D', 1]]);
  assert.match(item.answers[0]?.text ?? '', /^[ab]-v1 says: FIRST\?$/);

  // A new session (a restart) reads the ratings back and generates nothing already cached.
  await s1.item(1);
  const before = calls.length;
  const s2 = await open(students);
  assert.deepEqual((await s2.item(0)).answers.map((a) => a.grade), ['A', 'D']);
  assert.equal(s2.firstUnrated(), 1);
  assert.equal(calls.length, before);
  assert.equal(s2.runId, s1.runId);

  // A changed mind: a new row with the same id; the latest counts.
  await s2.rate(0, 1, 'B');
  assert.equal((await readResults(dataDir)).length, 3);
  const latest = await readResults(dataDir, { latest: true });
  assert.deepEqual(latest.map((r) => r.label).sort(), ['A', 'B']);

  // Another rater starts from nothing.
  const other = await RatingSession.open({ dataDir, students, set: SET, cache: await AnswerCache.open(dataDir), rater: 'r2', seed: 3, maxTokens: 32 });
  assert.equal(other.progress().rated, 0);

  // A retrained checkpoint writes another answer: its old rating no longer counts, the other student's does.
  const retrained = [students[0]!, fakeStudent('/ckpt/b', 'b-v2', calls)];
  const s3 = await open(retrained);
  const view = await s3.item(0);
  const bSlot = answerOrder(2, 3, 'one').indexOf(1);
  assert.equal(view.answers[bSlot]?.grade, null);
  // Slot 0 was rated A and slot 1 B (after the change); the unchanged student keeps its slot's grade.
  assert.equal(view.answers[1 - bSlot]?.grade, 1 - bSlot === 0 ? 'A' : 'B');
  assert.match(view.answers[bSlot]?.text ?? '', /^b-v2 says/);
  assert.equal(s3.firstUnrated(), 0);

  // Mistakes are usage errors; nothing is written.
  await assert.rejects(s3.rate(0, 5, 'A'), (e: unknown) => isLaminiError(e, ErrorCodes.USAGE));
  await assert.rejects(s3.item(9), (e: unknown) => isLaminiError(e, ErrorCodes.USAGE));
  assert.equal((await readResults(dataDir)).length, 3);
});

test('a cut line at the end of the answer cache is skipped and counted; the whole lines are kept', async (t) => {
  const dataDir = await tempDir(t);
  const calls: string[] = [];
  const students = [fakeStudent('/ckpt/a', 'a', calls)];
  const s1 = await RatingSession.open({ dataDir, students, set: SET, cache: await AnswerCache.open(dataDir), rater: 'r', seed: 1, maxTokens: 8 });
  await s1.item(0);
  await s1.item(1);
  const lines = (await readFile(answersFile(dataDir), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 2);
  await appendFile(answersFile(dataDir), '{"key":"cut');
  const cache = await AnswerCache.open(dataDir);
  assert.equal(cache.skipped, 1);
  assert.equal(cache.size, 2);
  const before = calls.length;
  const s2 = await RatingSession.open({ dataDir, students, set: SET, cache, rater: 'r', seed: 1, maxTokens: 8 });
  await s2.item(0);
  assert.equal(calls.length, before, 'cached answers are not generated again');
});
