import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSeedsDir, defaultTopicsPath, importSeeds, loadSeedPool, loadTopics } from '../../../seeds/index.ts';

const file = (source: string) => join(defaultSeedsDir(), `${source}.jsonl`);

test('every shipped seed line is a valid seed with exactly the documented fields', async () => {
  for (const source of ['self_instruct', 'p3', 'flan', 'alpaca']) {
    const r = await importSeeds(file(source), { source });
    assert.equal(r.rejected.length, 0, `${source}: ${JSON.stringify(r.rejected[0])}`);
    assert.equal(r.duplicates.length, 0, `${source} has duplicate seeds`);
    for (const line of readFileSync(file(source), 'utf8').trim().split('\n')) {
      const record = JSON.parse(line) as Record<string, unknown>;
      assert.deepEqual(Object.keys(record), ['instruction', 'input', 'output', 'subset']);
      assert.ok(Object.values(record).every((v) => typeof v === 'string'));
      assert.ok((record['output'] as string).length > 0, `${source}: every shipped seed has a reference answer`);
    }
  }
});

test('shipped seed counts and subsets', async () => {
  const self = await importSeeds(file('self_instruct'), { source: 'self_instruct' });
  assert.equal(self.seeds.length, 40);
  const withInput = self.seeds.filter((s) => s.input !== '').length;
  assert.ok(withInput >= 10 && withInput <= 17, `about a third have an input (${withInput})`);
  assert.ok(self.seeds.every((s) => s.subset === ''));

  assert.equal((await importSeeds(file('alpaca'), { source: 'alpaca' })).seeds.length, 12);

  for (const source of ['p3', 'flan']) {
    const { seeds } = await importSeeds(file(source), { source });
    const bySubset = new Map<string, number>();
    for (const s of seeds) bySubset.set(s.subset, (bySubset.get(s.subset) ?? 0) + 1);
    assert.ok(!bySubset.has(''), `${source}: every item names its subset`);
    assert.ok(bySubset.size >= 4, `${source}: at least 4 subsets`);
    for (const [subset, n] of bySubset) assert.ok(n >= 4, `${source}/${subset}: ${n} items (generation draws 3 from one subset)`);
  }
});

test('the default pool loads from the package root with no data dir', async () => {
  const pool = await loadSeedPool(undefined, { includeDefaults: true });
  assert.deepEqual(pool.counts, { alpaca: 12, flan: 20, p3: 20, self_instruct: 40 });
  assert.equal(pool.rejected.length, 0);
  assert.equal(pool.collapsed, 0, 'no seed is shipped twice across families');
  assert.match(pool.fingerprint, /^[0-9a-f]{16}$/);
});

test('shipped topics: at least 300, unique, short names', async () => {
  const topics = await loadTopics();
  const lines = readFileSync(defaultTopicsPath(), 'utf8').trim().split('\n');
  assert.ok(topics.length >= 300, `${topics.length} topics`);
  assert.equal(topics.length, lines.length, 'no duplicates, blanks or comments in the shipped file');
  for (const t of topics) {
    assert.equal(t, t.trim());
    assert.ok(t.length <= 40 && t.split(' ').length <= 4, `short topic name: ${t}`);
  }
});
