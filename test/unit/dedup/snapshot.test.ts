import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MinHashIndex } from '../../../operators/dedup/minhash/index.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { editedCorpus } from './corpus.ts';

test('restart: snapshot after k records, restore, replay the rest = the uninterrupted run', () => {
  const records = editedCorpus(300, 25, 3);
  for (const signature of ['classic', 'fast'] as const) {
    const whole = new MinHashIndex({ signature, seed: 4 });
    const expected = records.map((r) => whole.offer(r.id, r.text)?.id);
    for (const k of [0, 1, 137, records.length]) {
      const first = new MinHashIndex({ signature, seed: 4 });
      const before = records.slice(0, k).map((r) => first.offer(r.id, r.text)?.id);
      const bytes = first.snapshot({ records: k });
      const { index, covers } = MinHashIndex.restore(bytes);
      assert.deepEqual(covers, { records: k });
      assert.equal(index.name, first.name);
      assert.equal(index.size, first.size);
      const after = records.slice(covers.records as number).map((r) => index.offer(r.id, r.text)?.id);
      assert.deepEqual([...before, ...after], expected, `${signature}, snapshot at ${k}`);
      // The restored index snapshots to the same bytes as the uninterrupted one.
      if (k === records.length) assert.deepEqual(index.snapshot({ records: k }), whole.snapshot({ records: k }));
    }
  }
});

test('a restored index still answers exact ids (replays are recognised)', () => {
  const index = new MinHashIndex();
  index.insert('id-a', 'Explain the water cycle to a child');
  const { index: restored } = MinHashIndex.restore(index.snapshot({ records: 1 }));
  assert.equal(restored.find('id-a', 'anything'), 'id-a');
  assert.equal(restored.find('id-b', 'explain the water cycle to a child!'), 'id-a');
  assert.equal(restored.find('id-c', 'Name three planets'), undefined);
});

test('corrupt and unknown snapshots are typed errors', () => {
  const bytes = new MinHashIndex().snapshot({ records: 0 });
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (error) {
      return error instanceof LaminiError ? error.code : 'untyped';
    }
    return undefined;
  };
  assert.equal(code(() => MinHashIndex.restore(new Uint8Array([1, 2, 3]))), ErrorCodes.DEDUP_SNAPSHOT_INVALID);
  assert.equal(code(() => MinHashIndex.restore(bytes.subarray(0, bytes.length - 4))), ErrorCodes.DEDUP_SNAPSHOT_INVALID);
  const text = Buffer.from(bytes).toString('latin1').replace('"version":1', '"version":9');
  assert.equal(code(() => MinHashIndex.restore(Buffer.from(text, 'latin1'))), ErrorCodes.DEDUP_SNAPSHOT_VERSION);
});

test('regression: a snapshot read back from a file restores (readFile gives a Buffer, whose slice() is a view of a shared pool)', async () => {
  const index = new MinHashIndex();
  for (const r of editedCorpus(40, 12, 9)) index.offer(r.id, r.text);
  const path = join(mkdtempSync(join(tmpdir(), 'lamini-snapshot-')), 'index.snapshot');
  writeFileSync(path, index.snapshot({ records: index.size }));
  const { index: restored } = MinHashIndex.restore(await readFile(path));
  assert.equal(restored.size, index.size);
  assert.deepEqual(restored.snapshot({ records: index.size }), index.snapshot({ records: index.size }));
});
