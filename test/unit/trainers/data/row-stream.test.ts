import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowStream } from '../../../../trainers/data/row-stream.ts';
import { parseCursor } from '../../../../trainers/data/cursor.ts';
import { appendShard, corpusExample } from '../../../helpers/corpus-fixture.ts';
import { EXAMPLES, PERMILLE, drain, ids, smallCorpus, splitIds, tempDataDir } from './helpers.ts';

const options = { seed: 11, epochs: 3, shuffleBlock: 7, evalPermille: PERMILLE };

test('every training row of a pass appears exactly once per epoch, no eval row ever, and epochs differ', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const { train, eval: held } = splitIds(1, EXAMPLES);
  assert.ok(held.length > 0 && train.length > 40, `the fixture needs eval rows: ${held.length} eval, ${train.length} train`);
  const stream = await RowStream.open(dir, options);
  t.after(() => stream.close());
  const { rows } = await drain(stream, 5);
  assert.equal(rows.length, 3 * train.length);
  const epochs = [0, 1, 2].map((e) => ids(rows.slice(e * train.length, (e + 1) * train.length)));
  for (const epoch of epochs) assert.deepEqual([...epoch].sort(), [...train].sort());
  assert.notDeepEqual(epochs[0], epochs[1]);
  assert.notDeepEqual(epochs[1], epochs[2]);
  assert.notDeepEqual(epochs[0], train, 'shuffled, not in manifest order');
  const heldOut = new Set(held);
  assert.equal(rows.filter((r) => heldOut.has(r.id)).length, 0);
  assert.deepEqual(await stream.take(5), [], 'ended');
  assert.deepEqual(stream.cursor(), { ...stream.cursor(), epoch: 2, position: EXAMPLES, passRows: EXAMPLES });
});

test('rows carry the corpus text: instruction, input, response and source of the example', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, { ...options, epochs: 1 });
  t.after(() => stream.close());
  const rows = await stream.take(100);
  const withInput = rows.find((r) => r.input !== '');
  assert.ok(withInput !== undefined, 'some rows have an input');
  assert.ok(withInput.instruction.endsWith(` : ${withInput.input}`), withInput.instruction);
  const row10 = rows.find((r) => r.id === 'ex0010');
  if (row10 !== undefined) {
    assert.match(row10.instruction, /\(10\)\. : /);
    assert.notEqual(row10.response, '');
  }
  assert.ok(rows.every((r) => r.instruction_source !== '' && r.response !== '' && r.instruction !== ''));
});

test('the same seed gives the same order whatever the take sizes; another seed another order', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const a = await RowStream.open(dir, options);
  const b = await RowStream.open(dir, options);
  const c = await RowStream.open(dir, { ...options, seed: 12 });
  t.after(async () => {
    await a.close();
    await b.close();
    await c.close();
  });
  const first = ids((await drain(a, 1)).rows);
  assert.deepEqual(ids((await drain(b, (call) => 1 + ((call * 7) % 23))).rows), first);
  assert.notDeepEqual(ids((await drain(c, 50)).rows), first);
});

test('resuming from the cursor after any take() yields exactly the rest, across blocks, passes and epochs', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  t.after(() => stream.close());
  const { rows, cursors } = await drain(stream, (call) => 1 + ((call * 5) % 11));
  const all = ids(rows);
  const epochsCrossed = new Set<number>();
  assert.ok(cursors.length > 20, `cut points: ${cursors.length}`);
  for (const { at, json } of cursors) {
    const cursor = parseCursor(json);
    epochsCrossed.add(cursor.epoch);
    const resumed = await RowStream.open(dir, cursor);
    try {
      const rest = await drain(resumed, 4);
      assert.deepEqual(ids(rest.rows), all.slice(at), `resumed at ${at} (${json})`);
    } finally {
      await resumed.close();
    }
  }
  assert.deepEqual([...epochsCrossed].sort(), [0, 1, 2]);
});

test('a cursor moved past trailing eval rows to the end of its pass resumes into the next epoch', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const { train } = splitIds(1, EXAMPLES);
  const stream = await RowStream.open(dir, { ...options, epochs: 2 });
  t.after(() => stream.close());
  const epoch0 = await stream.take(train.length);
  const atEnd = stream.cursor();
  // The last rows of the pass may be eval rows, so the position is at most passRows.
  assert.equal(atEnd.epoch, 0);
  const resumed = await RowStream.open(dir, { ...atEnd, position: atEnd.passRows });
  t.after(() => resumed.close());
  const fromEnd = await resumed.take(train.length);
  assert.equal(resumed.cursor().epoch, 1);
  assert.deepEqual(ids(fromEnd), ids(await stream.take(train.length)));
  assert.equal(epoch0.length, train.length);
});

test('without follow, shards committed after open are not read', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, { ...options, epochs: 1 });
  t.after(() => stream.close());
  const extra = Array.from({ length: 20 }, (_, i) => corpusExample(EXAMPLES + 1 + i));
  assert.equal((await appendShard(dir, extra)).tables.examples.shards.length, 6);
  const { rows } = await drain(stream, 9);
  assert.deepEqual(ids(rows).sort(), splitIds(1, EXAMPLES).train.sort());
  assert.equal(stream.cursor().toSeq, 5);
});
