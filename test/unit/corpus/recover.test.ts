import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile, copyFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openCorpus } from '../../../corpus/index.ts';
import { isLaminiError } from '../../../common/errors.ts';
import { dropped, example, tempDataDir } from './fixtures.ts';

test('open removes temp files and shards of an unpublished commit, and keeps committed ones', async (t) => {
  const dir = await tempDataDir(t);
  const root = join(dir, 'corpus');
  const corpus = await openCorpus(dir);
  await corpus.commit({ examples: [example(1)] });
  await corpus.close();
  // A crash after the shard renames of commit 2, before its manifest was published:
  await copyFile(join(root, 'shards/examples-00000001.parquet'), join(root, 'shards/examples-00000002.parquet'));
  await copyFile(join(root, 'shards/examples-00000001.parquet'), join(root, 'dropped/dropped-00000002.parquet'));
  // ... and a crash in the middle of writing commit 3 and its manifest:
  await writeFile(join(root, 'shards/examples-00000003.parquet.tmp'), 'half a file');
  await writeFile(join(root, 'shards/examples-00000003.parquet.jsonl.tmp'), '{"id":');
  await writeFile(join(root, 'manifest.json.tmp'), '{"format":');
  await writeFile(join(root, 'shards/notes.txt'), 'not ours: left alone');

  const again = await openCorpus(dir);
  t.after(() => again.close());
  assert.equal(again.orphansRemoved, 5);
  assert.deepEqual((await readdir(join(root, 'shards'))).sort(), ['examples-00000001.parquet', 'notes.txt']);
  assert.deepEqual(await readdir(join(root, 'dropped')), []);
  assert.deepEqual([...(await again.committedExampleIds())], ['ex0001']);
  const m = await again.commit({ examples: [example(2)] });
  assert.equal(m.sequence, 2);
  assert.deepEqual([...(await again.committedExampleIds())].sort(), ['ex0001', 'ex0002']);
});

test('a lost manifest with committed shards is an error, never a reason to delete them', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  await corpus.commit({ examples: [example(1)] });
  await corpus.commit({ examples: [example(2)] });
  await corpus.close();
  await rm(join(dir, 'corpus/manifest.json'));
  await assert.rejects(openCorpus(dir), (e) => isLaminiError(e, 'MANIFEST_CORRUPT'));
  assert.equal((await readdir(join(dir, 'corpus/shards'))).length, 2);
  // The failed open released its lock.
  await assert.rejects(openCorpus(dir), (e) => isLaminiError(e, 'MANIFEST_CORRUPT'));
});

test('a failed commit removes the shards it wrote and leaves the manifest as it was', async (t) => {
  const dir = await tempDataDir(t);
  const corpus = await openCorpus(dir);
  t.after(() => corpus.close());
  const before = await corpus.commit({ examples: [example(1)] });
  // Block the dropped shard of commit 2 with a non-empty folder: its rename fails after the examples shard is in place.
  await mkdir(join(dir, 'corpus/dropped/dropped-00000002.parquet/x'), { recursive: true });
  await assert.rejects(
    corpus.commit({ examples: [example(2)], dropped: [dropped(2)], doneTasks: [0] }),
    (e) => isLaminiError(e, 'CORPUS_WRITE_FAILED') && e.retriable,
  );
  assert.equal(corpus.manifest(), before);
  assert.deepEqual(await readdir(join(dir, 'corpus/shards')), ['examples-00000001.parquet']);
  assert.deepEqual(await readdir(join(dir, 'corpus/dropped')), ['dropped-00000002.parquet']);
  await rm(join(dir, 'corpus/dropped/dropped-00000002.parquet'), { recursive: true });
  const after = await corpus.commit({ examples: [example(2)], dropped: [dropped(2)], doneTasks: [0] });
  assert.equal(after.sequence, 2);
  assert.equal(after.progress.task_watermark, 0);
});
