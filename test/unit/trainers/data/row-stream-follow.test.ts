import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isLaminiError } from '../../../../common/errors.ts';
import { RowStream } from '../../../../trainers/data/row-stream.ts';
import type { TrainRow } from '../../../../trainers/data/reader.ts';
import { appendShard, corpusExample } from '../../../helpers/corpus-fixture.ts';
import { EXAMPLES, PERMILLE, ids, smallCorpus, splitIds, tempDataDir } from './helpers.ts';

const options = { seed: 5, epochs: 2, follow: true, shuffleBlock: 7, evalPermille: PERMILLE };
const extra = (first: number, count: number) => Array.from({ length: count }, (_, i) => corpusExample(first + i));

/** take(1) until the stream would wait for new shards: its sleep aborts instead. Loses no row. */
async function drainUntilWait(stream: RowStream, stop: AbortController): Promise<TrainRow[]> {
  const rows: TrainRow[] = [];
  for (;;) {
    try {
      rows.push(...(await stream.take(1)));
    } catch (error) {
      if (stop.signal.aborted && error === stop.signal.reason) return rows;
      throw error;
    }
  }
}

test('follow picks up a shard committed after open: new shards first, then the next epoch over all; the cursor records each pass', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stop = new AbortController();
  let polls = 0;
  const stream = await RowStream.open(dir, options, {
    pollMs: 1,
    signal: stop.signal,
    sleep: async () => {
      polls += 1;
      stop.abort(new Error('stop'));
    },
  });
  t.after(() => stream.close());
  const { train } = splitIds(1, EXAMPLES);
  const epoch0 = await stream.take(train.length - 3);
  assert.deepEqual(stream.cursor().toSeq, 5);
  await appendShard(dir, extra(EXAMPLES + 1, 20)); // seq 6, committed mid-pass
  const newTrain = splitIds(EXAMPLES + 1, EXAMPLES + 20).train;
  assert.ok(newTrain.length > 0);

  const rest0 = await stream.take(3 + newTrain.length);
  assert.deepEqual(ids([...epoch0, ...rest0.slice(0, 3)]).sort(), [...train].sort(), 'epoch 0 finishes its snapshot first');
  assert.deepEqual(ids(rest0.slice(3)).sort(), [...newTrain].sort(), 'then the new shard, in the same epoch');
  assert.deepEqual(
    (({ epoch, fromSeq, toSeq, coveredTo }) => ({ epoch, fromSeq, toSeq, coveredTo }))(stream.cursor()),
    { epoch: 0, fromSeq: 5, toSeq: 6, coveredTo: 6 },
  );

  const epoch1 = await drainUntilWait(stream, stop);
  assert.deepEqual(ids(epoch1).sort(), [...train, ...newTrain].sort(), 'epoch 1 goes over everything covered');
  assert.deepEqual(
    (({ epoch, fromSeq, toSeq, coveredTo }) => ({ epoch, fromSeq, toSeq, coveredTo }))(stream.cursor()),
    { epoch: 1, fromSeq: 0, toSeq: 6, coveredTo: 6 },
  );
  assert.equal(polls, 1, 'it waited only once every epoch was done');
});

test('a resumed follow stream replays the same passes, and goes on to shards committed while it was down', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stopA = new AbortController();
  const a = await RowStream.open(dir, options, { signal: stopA.signal, sleep: async () => stopA.abort(new Error('stop')) });
  t.after(() => a.close());
  await appendShard(dir, extra(EXAMPLES + 1, 9));
  const head = await a.take(splitIds(1, EXAMPLES).train.length + 1);
  const cursor = a.cursor();
  assert.deepEqual([cursor.epoch, cursor.fromSeq, cursor.toSeq], [0, 5, 6], 'inside the pass over the new shard');
  assert.ok(splitIds(EXAMPLES + 1, EXAMPLES + 9).train.includes(head.at(-1)?.id ?? ''));
  const tail = await drainUntilWait(a, stopA);

  const stopB = new AbortController();
  const b = await RowStream.open(dir, cursor, { signal: stopB.signal, sleep: async () => stopB.abort(new Error('stop')) });
  t.after(() => b.close());
  assert.deepEqual(ids(await drainUntilWait(b, stopB)), ids(tail));
  assert.ok(tail.length > splitIds(1, EXAMPLES).train.length, 'the rest of the new pass and all of epoch 1');

  // Shards committed while a stream is down are a new pass after the cursor's, in the last epoch.
  const end = b.cursor();
  await appendShard(dir, extra(EXAMPLES + 10, 15));
  const stopC = new AbortController();
  const c = await RowStream.open(dir, end, { signal: stopC.signal, sleep: async () => stopC.abort(new Error('stop')) });
  t.after(() => c.close());
  const later = await drainUntilWait(c, stopC);
  assert.deepEqual(ids(later).sort(), splitIds(EXAMPLES + 10, EXAMPLES + 24).train.sort());
  assert.deepEqual([c.cursor().epoch, c.cursor().fromSeq, c.cursor().toSeq], [1, 6, 7]);
});

test('a take() waiting for new shards rejects when the signal aborts, or on close(), and keeps the cursor', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stop = new AbortController();
  let sleeping = (): void => undefined;
  const asleep = new Promise<void>((resolve) => (sleeping = resolve));
  const stream = await RowStream.open(dir, { ...options, epochs: 1 }, {
    pollMs: 5,
    signal: stop.signal,
    sleep: (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        sleeping();
        signal.addEventListener('abort', () => reject(new Error('timer aborted')), { once: true });
      }),
  });
  const train = splitIds(1, EXAMPLES).train.length;
  assert.equal((await stream.take(train - 1)).length, train - 1);
  const before = stream.cursor();
  const waiting = stream.take(2); // one row there, then a wait for the second
  await asleep;
  const reason = new Error('shutting down');
  stop.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.deepEqual(stream.cursor(), before);

  let sleeping2 = (): void => undefined;
  const asleep2 = new Promise<void>((resolve) => (sleeping2 = resolve));
  const second = await RowStream.open(dir, before, {
    sleep: (_ms, signal) =>
      new Promise<void>((_resolve, reject) => {
        sleeping2();
        signal.addEventListener('abort', () => reject(new Error('timer aborted')), { once: true });
      }),
  });
  assert.equal((await second.take(1)).length, 1, 'the last training row of the pass');
  const pending = second.take(1);
  await asleep2;
  await second.close();
  await assert.rejects(pending, (e) => isLaminiError(e, ErrorCodes.USAGE) && /closed while waiting/.test(e.message));
  await stream.close();
});
