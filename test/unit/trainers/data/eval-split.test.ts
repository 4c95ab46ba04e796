import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, isLaminiError } from '../../../../common/errors.ts';
import { readManifest } from '../../../../corpus/manifest.ts';
import { evalRows } from '../../../../trainers/data/eval-rows.ts';
import { isEvalId } from '../../../../trainers/data/eval-split.ts';
import { EXAMPLES, PERMILLE, ids, smallCorpus, splitIds, tempDataDir } from './helpers.ts';

test('isEvalId holds out about permille/1000 of ids, stably, and 0 / 1000 mean none / all', () => {
  const all = Array.from({ length: 50_000 }, (_, i) => `id-${i}`);
  const held = all.filter((id) => isEvalId(id));
  assert.ok(held.length > 400 && held.length < 600, `1% of 50,000 is about 500, got ${held.length}`);
  assert.deepEqual(all.filter((id) => isEvalId(id, 10)), held, 'the default is 10 permille');
  assert.deepEqual(held.filter((id) => isEvalId(id)), held, 'stable');
  const tenth = all.filter((id) => isEvalId(id, 100));
  assert.ok(held.every((id) => isEvalId(id, 100)), 'a larger split contains the smaller one');
  assert.ok(tenth.length > 4_700 && tenth.length < 5_300, `10%: ${tenth.length}`);
  assert.equal(all.filter((id) => isEvalId(id, 0)).length, 0);
  assert.equal(all.filter((id) => isEvalId(id, 1000)).length, all.length);
});

test('evalRows: the first `limit` eval rows in manifest and file order, with their text, deterministically', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const held = splitIds(1, EXAMPLES).eval;
  assert.ok(held.length >= 4, `eval rows in the fixture: ${held.length}`);
  const latest = (await readManifest(dir)).sequence;
  assert.deepEqual(ids(await evalRows(dir, latest, { permille: PERMILLE })), held);
  assert.deepEqual(ids(await evalRows(dir, latest, { permille: PERMILLE, limit: 3 })), held.slice(0, 3));
  const rows = await evalRows(dir, latest, { permille: PERMILLE, limit: 1 });
  assert.ok(rows[0] !== undefined && rows[0].instruction !== '' && rows[0].response !== '');
  // Only shards up to the snapshot: seq 2 holds examples 1..26.
  assert.deepEqual(ids(await evalRows(dir, 2, { permille: PERMILLE })), splitIds(1, 26).eval);
  assert.deepEqual(await evalRows(dir, latest, { permille: PERMILLE, limit: 0 }), []);
});

test('evalRows checks each shard it reads', async (t) => {
  const dir = await tempDataDir(t);
  await smallCorpus(dir);
  const manifest = await readManifest(dir);
  await rm(join(dir, 'corpus', manifest.tables.examples.shards[0]!.file));
  await assert.rejects(evalRows(dir, manifest.sequence, { permille: PERMILLE }), (e) => isLaminiError(e, ErrorCodes.SHARD_MISSING));
});
