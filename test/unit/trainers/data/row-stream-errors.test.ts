import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, open as openFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, isLaminiError, type ErrorCode } from '../../../../common/errors.ts';
import { openCorpus } from '../../../../corpus/corpus.ts';
import { readManifest } from '../../../../corpus/manifest.ts';
import { RowStream } from '../../../../trainers/data/row-stream.ts';
import { dropped } from '../../corpus/fixtures.ts';
import { EXAMPLES, PERMILLE, smallCorpus, splitIds, tempDataDir } from './helpers.ts';

const options = { seed: 3, epochs: 2, shuffleBlock: 7, evalPermille: PERMILLE };

const fails = (code: ErrorCode, message?: RegExp) => (error: unknown) => {
  assert.ok(isLaminiError(error, code), `expected ${code}, got ${String(error)}`);
  if (message !== undefined) assert.match(error.message, message);
  return true;
};

/** Flip one byte in the middle of a (read-only) shard file: same size, other bytes. */
async function tamper(path: string): Promise<void> {
  await chmod(path, 0o644);
  const handle = await openFile(path, 'r+');
  try {
    const { size } = await handle.stat();
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, size >> 1);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, size >> 1);
  } finally {
    await handle.close();
  }
}

async function shardFile(dir: string, index: number): Promise<{ path: string; file: string }> {
  const shard = (await readManifest(dir)).tables.examples.shards[index];
  assert.ok(shard !== undefined);
  return { path: join(dir, 'corpus', shard.file), file: shard.file };
}

test('a tampered shard is SHARD_CHANGED on open, naming the file', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const { path, file } = await shardFile(dir, 2);
  await tamper(path);
  await assert.rejects(RowStream.open(dir, options), fails(ErrorCodes.SHARD_CHANGED, new RegExp(file.replace('.', '\\.'))));
});

test('a shard tampered with mid-run is caught before the next pass reads it', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  t.after(() => stream.close());
  const first = await stream.take(10);
  assert.equal(first.length, 10);
  await tamper((await shardFile(dir, 4)).path);
  const before = stream.cursor();
  await assert.rejects(stream.take(2 * EXAMPLES), fails(ErrorCodes.SHARD_CHANGED, /examples-00000005/));
  assert.deepEqual(stream.cursor(), before, 'a failed take leaves the cursor where it was');
});

test('a deleted shard is SHARD_MISSING, naming the file', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const { path, file } = await shardFile(dir, 0);
  await rm(path);
  await assert.rejects(RowStream.open(dir, options), fails(ErrorCodes.SHARD_MISSING, new RegExp(file.replace('.', '\\.'))));
});

test('a corpus with no example rows is TRAIN_CORPUS_EMPTY, with or without a manifest', async (t) => {
  const dir = await tempDataDir(t);
  await assert.rejects(RowStream.open(dir, options), fails(ErrorCodes.TRAIN_CORPUS_EMPTY));
  const corpus = await openCorpus(dir);
  await corpus.commit({ dropped: [dropped(1)] });
  await corpus.close();
  assert.equal((await readManifest(dir)).sequence, 1);
  await assert.rejects(RowStream.open(dir, options), fails(ErrorCodes.TRAIN_CORPUS_EMPTY));
});

test('fewer training rows than the minimum is TRAIN_CORPUS_TOO_SMALL, with the counts', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const { train, eval: held } = splitIds(1, EXAMPLES);
  const message = new RegExp(`${EXAMPLES} example rows, ${train.length} for training and ${held.length} held out .* at least ${train.length + 1}`);
  await assert.rejects(RowStream.open(dir, options, { minTrainRows: train.length + 1 }), fails(ErrorCodes.TRAIN_CORPUS_TOO_SMALL, message));
  const enough = await RowStream.open(dir, options, { minTrainRows: train.length });
  await enough.close();
});

test('a corrupt cursor is CURSOR_INVALID', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  const cursor = stream.cursor();
  await stream.close();
  await assert.rejects(RowStream.open(dir, { ...cursor, position: -1 }), fails(ErrorCodes.CURSOR_INVALID, /position/));
  await assert.rejects(RowStream.open(dir, { ...cursor, epoch: 2 }), fails(ErrorCodes.CURSOR_INVALID, /epoch/));
});

test("a cursor whose pass the manifest no longer names is SHARD_MISSING, saying what changed", async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  await stream.take(5);
  const cursor = stream.cursor();
  await stream.close();
  const other = await tempDataDir(t);
  await smallCorpus(other, 30, 13);
  await assert.rejects(RowStream.open(other, cursor), fails(ErrorCodes.SHARD_MISSING, /not in the manifest .* names 3 shards with 30 rows/));
});

test('take() after close() is a usage error', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  await stream.close();
  await assert.rejects(stream.take(1), fails(ErrorCodes.USAGE));
});

test('take(n) needs a positive integer n', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const stream = await RowStream.open(dir, options);
  t.after(() => stream.close());
  await assert.rejects(stream.take(0), fails(ErrorCodes.USAGE));
  await assert.rejects(stream.take(1.5), fails(ErrorCodes.USAGE));
  assert.equal((await stream.take(1)).length, 1, 'a rejected take does not break the stream');
});
