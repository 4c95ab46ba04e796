import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSeeds, importSeeds, loadSeedPool, loadTopics, poolFile, poolFingerprint, seedId } from '../../../seeds/index.ts';
import type { Seed } from '../../../schemas/types.ts';
import { isLaminiError } from '../../../common/errors.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-pool-'));
const seed = (instruction: string, source: string, extra: Partial<Seed> = {}): Seed => ({
  id: seedId(instruction, extra.input ?? ''), instruction, input: '', output: '', source, subset: '', ...extra,
});

test('addSeeds writes one JSONL file per source, merges by id, and is idempotent', async () => {
  const dataDir = tmp();
  const first = await addSeeds(dataDir, [seed('One.', 'mine'), seed('Two.', 'mine'), seed('Other.', 'theirs')]);
  assert.deepEqual(first.map((r) => [r.source, r.added, r.updated, r.unchanged, r.total]), [['mine', 2, 0, 0, 2], ['theirs', 1, 0, 0, 1]]);
  const file = poolFile(dataDir, 'mine');
  assert.equal(file, join(dataDir, 'seeds', 'mine.jsonl'));
  const before = readFileSync(file, 'utf8');

  const again = await addSeeds(dataDir, [seed('One.', 'mine'), seed('Two.', 'mine')]);
  assert.deepEqual(again.map((r) => [r.added, r.updated, r.unchanged, r.total]), [[0, 0, 2, 2]]);
  assert.equal(readFileSync(file, 'utf8'), before, 'adding the same seeds again changes nothing');

  const merged = await addSeeds(dataDir, [seed('Three.', 'mine'), seed('one.', 'mine', { output: 'fixed', subset: 'a' })]);
  assert.deepEqual(merged.map((r) => [r.added, r.updated, r.total]), [[1, 1, 3]]);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Seed);
  assert.deepEqual(lines.map((s) => [s.instruction, s.output, s.subset]), [['one.', 'fixed', 'a'], ['Two.', '', ''], ['Three.', '', '']],
    'a re-imported id replaces its record in place; new ids are appended');
  assert.deepEqual(readdirSync(join(dataDir, 'seeds')).sort(), ['mine.jsonl', 'theirs.jsonl'], 'no temp files left behind');
});

test('imported files round-trip through the pool unchanged', async () => {
  const dataDir = tmp();
  const src = join(dataDir, 'in.jsonl');
  writeFileSync(src, '{"instruction":"Sum.","input":"1 2","output":"3","subset":"math"}\n{"instruction":"Hi."}\n');
  const { seeds } = await importSeeds(src, { source: 'user1' });
  await addSeeds(dataDir, seeds);
  const pool = await loadSeedPool(dataDir, { includeDefaults: false });
  assert.deepEqual(pool.seeds, seeds);
  assert.deepEqual(pool.counts, { user1: 2 });
  assert.equal(pool.fingerprint, poolFingerprint(seeds));
});

test('loadSeedPool: defaults first, then the pool; ids collapse across files; bad pool lines are reported', async () => {
  const dataDir = tmp();
  const defaults = join(dataDir, 'defaults');
  mkdirSync(defaults);
  writeFileSync(join(defaults, 'self_instruct.jsonl'), '{"instruction":"Shared.","input":"","output":"","subset":""}\n{"instruction":"Default only."}\n');
  await addSeeds(dataDir, [seed('shared.', 'mine'), seed('Mine only.', 'mine')]);
  writeFileSync(join(dataDir, 'seeds', 'broken.jsonl'), '{"instruction":"Fine."}\n{oops\n');
  const pool = await loadSeedPool(dataDir, { includeDefaults: true, defaultsDir: defaults });
  assert.deepEqual(pool.seeds.map((s) => [s.source, s.instruction]), [
    ['self_instruct', 'Shared.'], ['self_instruct', 'Default only.'], ['broken', 'Fine.'], ['mine', 'Mine only.'],
  ]);
  assert.equal(pool.collapsed, 1);
  assert.deepEqual(pool.rejected.map((r) => [r.file.endsWith('broken.jsonl'), r.line, r.reason]), [[true, 2, 'malformed_json']]);
  const without = await loadSeedPool(dataDir, { includeDefaults: false });
  assert.equal(without.seeds.length, 3);
  assert.equal((await loadSeedPool(join(dataDir, 'empty'), { includeDefaults: false })).seeds.length, 0, 'no pool yet is an empty pool');
  await assert.rejects(loadSeedPool(undefined, { includeDefaults: true, defaultsDir: join(dataDir, 'missing') }), (e) => isLaminiError(e, 'FILE_NOT_FOUND'));
});

test('adding to a damaged pool file fails instead of losing its lines', async () => {
  const dataDir = tmp();
  mkdirSync(join(dataDir, 'seeds'));
  writeFileSync(join(dataDir, 'seeds', 'mine.jsonl'), '{"instruction":"Keep me."}\nnot json\n');
  await assert.rejects(addSeeds(dataDir, [seed('New.', 'mine')]), (e) => isLaminiError(e, 'FILE_UNREADABLE') && e.message.includes('mine.jsonl'));
  assert.equal(readFileSync(join(dataDir, 'seeds', 'mine.jsonl'), 'utf8'), '{"instruction":"Keep me."}\nnot json\n');
  await assert.rejects(addSeeds(dataDir, [seed('X.', '../escape')]), (e) => isLaminiError(e, 'USAGE'));
});

test('the pool fingerprint depends on the set of ids only', () => {
  const a = [seed('A.', 's'), seed('B.', 's')];
  assert.equal(poolFingerprint(a), poolFingerprint([...a].reverse()));
  assert.notEqual(poolFingerprint(a), poolFingerprint([seed('A.', 's')]));
  assert.match(poolFingerprint(a), /^[0-9a-f]{16}$/);
});

test('loadTopics: trimmed, comments and blanks skipped, each topic once', async () => {
  const dir = tmp();
  const file = join(dir, 'topics.txt');
  writeFileSync(file, '\uFEFF# topics\nJazz\n  Baking \r\n\njazz\nAstronomy\n');
  assert.deepEqual(await loadTopics(file), ['Jazz', 'Baking', 'Astronomy']);
  await assert.rejects(loadTopics(join(dir, 'none.txt')), (e) => isLaminiError(e, 'FILE_NOT_FOUND') && e.message.includes('none.txt'));
});
