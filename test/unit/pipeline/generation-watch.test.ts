/**
 * A run that commits examples but no generated instruction for a whole stall window says so loudly (the
 * teacher rejecting every generation call once left a run committing only re-answered seeds, exit 0, silent).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenerationWatch } from '../../../pipeline/progress.ts';

const seed = { generation_mode: 'seed' };
const generated = { generation_mode: 'example_guided' };

test('regression: seeds committed and no generated instruction for a whole window: one loud line per window', () => {
  const watch = new GenerationWatch(60_000, 0);
  watch.planned('example_guided');
  watch.committed([seed, seed], 10_000);
  assert.equal(watch.check(59_999), undefined, 'not a whole window yet');
  const line = watch.check(60_000);
  assert.match(line ?? '', /^WARNING: 2 examples committed in the last 60 s, and not one generated instruction among them/);
  assert.equal(watch.check(61_000), undefined, 'once per window');
  watch.committed([seed], 70_000);
  assert.equal(watch.check(119_999), undefined);
  assert.match(watch.check(120_000) ?? '', /WARNING: 1 examples/);
  assert.match(watch.atEnd() ?? '', /^WARNING: 3 examples committed by this run, and not one generated instruction/);
});

test('no warning while generated instructions arrive, when nothing is committed, or when only seed tasks were planned', () => {
  const busy = new GenerationWatch(60_000, 0);
  busy.planned('topic_guided');
  busy.committed([seed, generated], 50_000);
  busy.committed([seed], 100_000);
  assert.equal(busy.check(100_000), undefined, 'a generated instruction 50 s ago');
  assert.equal(busy.atEnd(), undefined);

  const idle = new GenerationWatch(60_000, 0);
  idle.planned('example_guided');
  assert.equal(idle.check(600_000), undefined, 'a stalled run is the stall rule\'s business');

  const seedsOnly = new GenerationWatch(60_000, 0);
  seedsOnly.planned('seed');
  seedsOnly.committed([seed, seed], 1_000);
  assert.equal(seedsOnly.check(600_000), undefined);
  assert.equal(seedsOnly.atEnd(), undefined);
});
