import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { advanceTasks, emptyManifest, parseManifest, readManifest, schemaFingerprint, TABLES } from '../../../corpus/index.ts';
import { mergePositions, serializeManifest } from '../../../corpus/manifest.ts';
import { isLaminiError, LaminiError } from '../../../common/errors.ts';
import { tempDataDir } from './fixtures.ts';

const DOC = new URL('../../../docs/formats/manifest.md', import.meta.url);

async function docExample(): Promise<string> {
  const text = await readFile(DOC, 'utf8');
  const match = /```json\n([\s\S]*?)```/.exec(text);
  assert.ok(match?.[1], 'docs/formats/manifest.md has a json example');
  return match[1];
}

test('the example in docs/formats/manifest.md parses and agrees with the code', async () => {
  const m = parseManifest(await docExample());
  assert.equal(m.sequence, 2);
  assert.equal(m.tables.examples.shards.length, 2);
  assert.equal(m.progress.task_watermark, 8);
  for (const name of ['examples', 'dead_letters', 'dropped'] as const) {
    assert.deepEqual(m.tables[name].columns, TABLES[name].columns, `${name} columns in the doc`);
    assert.equal(m.tables[name].schema_fingerprint, schemaFingerprint(TABLES[name].columns));
  }
  assert.equal(serializeManifest(m), await docExample(), 'the doc shows the writer’s own layout');
});

test('an unknown format or version is rejected with MANIFEST_UNKNOWN_VERSION', async () => {
  const doc = JSON.parse(await docExample()) as Record<string, unknown>;
  for (const change of [{ version: 2 }, { format: 'other-corpus' }, { version: '1' }]) {
    assert.throws(
      () => parseManifest(JSON.stringify({ ...doc, ...change })),
      (e) => isLaminiError(e, 'MANIFEST_UNKNOWN_VERSION'),
      JSON.stringify(change),
    );
  }
});

test('a broken manifest is MANIFEST_CORRUPT and names every problem with its path', async () => {
  assert.throws(() => parseManifest('{"format": "lamini-corpus", "vers'), (e) => isLaminiError(e, 'MANIFEST_CORRUPT'));
  assert.throws(() => parseManifest('[]'), (e) => isLaminiError(e, 'MANIFEST_CORRUPT'));
  const doc = JSON.parse(await docExample());
  doc.tables.examples.shards[0].rows = -1;
  doc.tables.examples.shards[1].file = '../../etc/passwd';
  delete doc.progress.positions;
  doc.totals.cost_usd = 'lots';
  try {
    parseManifest(JSON.stringify(doc));
    assert.fail('should throw');
  } catch (error) {
    assert.ok(isLaminiError(error, 'MANIFEST_CORRUPT'));
    const paths = ((error as LaminiError).details['issues'] as { path: string }[]).map((i) => i.path);
    assert.deepEqual(paths, [
      'tables.examples.shards[0].rows',
      'tables.examples.shards[1].file',
      'progress.positions',
      'totals.cost_usd',
    ]);
  }
});

test('readManifest: none yet is the empty manifest; a broken file is an error, not an empty corpus', async (t) => {
  const dir = await tempDataDir(t);
  assert.deepEqual(await readManifest(dir), emptyManifest());
  await mkdir(join(dir, 'corpus'));
  await writeFile(join(dir, 'corpus/manifest.json'), '{"format":"lamini-corpus","version":99}');
  await assert.rejects(readManifest(dir), (e) => isLaminiError(e, 'MANIFEST_UNKNOWN_VERSION'));
});

test('advanceTasks moves the watermark through contiguous numbers only', () => {
  const start = emptyManifest().progress;
  assert.deepEqual(advanceTasks(start, []), { task_watermark: -1, done_tasks_above: [] });
  assert.deepEqual(advanceTasks(start, [3, 1, 0]), { task_watermark: 1, done_tasks_above: [3] });
  const p = { ...start, task_watermark: 1, done_tasks_above: [3, 5] };
  assert.deepEqual(advanceTasks(p, [2, 2, 0, 4]), { task_watermark: 5, done_tasks_above: [] });
  assert.deepEqual(advanceTasks(p, [7]), { task_watermark: 1, done_tasks_above: [3, 5, 7] });
});

test('mergePositions keeps one position per partition, never moving back', () => {
  const merged = mergePositions(
    [{ topic: 'b', partition: 0, offset: 9 }, { topic: 'a', partition: 1, offset: 4 }],
    [{ topic: 'a', partition: 1, offset: 6 }, { topic: 'b', partition: 0, offset: 3 }, { topic: 'a', partition: 0, offset: 1 }],
  );
  assert.deepEqual(merged, [
    { topic: 'a', partition: 0, offset: 1 },
    { topic: 'a', partition: 1, offset: 6 },
    { topic: 'b', partition: 0, offset: 9 },
  ]);
});
