import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Planner, instructionSource } from '../../../operators/planner/index.ts';
import type { Seed } from '../../../schemas/types.ts';
import { PAPER_MIX } from '../../../common/config.ts';

const seed = (id: string, source: string, subset = ''): Seed =>
  ({ id, instruction: `do ${id}`, input: '', output: '', source, subset });

const pool: Seed[] = [
  ...Array.from({ length: 10 }, (_, i) => seed(`si${i}`, 'self_instruct')),
  ...Array.from({ length: 6 }, (_, i) => seed(`p3${i}`, 'p3', i < 3 ? 'nli' : 'qa')),
  ...Array.from({ length: 4 }, (_, i) => seed(`fl${i}`, 'flan', 'sum')),
  ...Array.from({ length: 2 }, (_, i) => seed(`al${i}`, 'alpaca')),
];
const topics = ['Astronomy', 'Baking', 'Jazz', 'Chess', 'Geology'];
const options = (runSeed = 7) => ({
  runSeed, seeds: pool, topics, mix: PAPER_MIX, instructionsPerPrompt: 20, instructionsPerPromptLong: 10, promptVersion: 'v-test',
});

test('task k is a pure function of (run seed, k): a fresh planner asked for k alone agrees', () => {
  const a = new Planner(options());
  const sequential = Array.from({ length: 200 }, (_, k) => a.task(k));
  const b = new Planner(options());
  for (const k of [150, 3, 77, 199, 0]) assert.deepEqual(b.task(k), sequential[k]);
  const c = new Planner(options(8));
  assert.notDeepEqual(Array.from({ length: 50 }, (_, k) => c.task(k)), sequential.slice(0, 50));
});

test('every seed of a re-answered family is re-answered exactly once, then generation takes over', () => {
  const p = new Planner(options());
  const tasks = Array.from({ length: 500 }, (_, k) => p.task(k));
  const reanswered = tasks.filter((t) => t.mode === 'seed').flatMap((t) => t.seed_ids).sort();
  assert.deepEqual(reanswered, ['al0', 'al1', 'fl0', 'fl1', 'fl2', 'fl3', 'p30', 'p31', 'p32', 'p33', 'p34', 'p35']);
  assert.ok(tasks.some((t) => t.mode === 'example_guided' && t.source === 'self_instruct'));
  assert.ok(tasks.some((t) => t.mode === 'topic_guided'));
  assert.ok(tasks.some((t) => t.mode === 'example_guided' && t.source === 'p3'));
});

test('prompts draw 3 seeds; P3/FLAN from one subset asking 10; topic tasks carry 3 distinct topics', () => {
  const p = new Planner(options());
  const bySubset = new Map(pool.map((s) => [s.id, s.subset]));
  for (let k = 0; k < 300; k++) {
    const t = p.task(k);
    if (t.mode === 'seed') continue;
    assert.equal(t.seed_ids.length, 3);
    if (t.source === 'p3' || t.source === 'flan') {
      assert.equal(t.count, 10);
      assert.equal(new Set(t.seed_ids.map((id) => bySubset.get(id))).size, 1);
    } else assert.equal(t.count, 20);
    if (t.mode === 'topic_guided') {
      assert.equal(new Set(t.topics).size, 3);
      assert.ok(t.seed_ids.every((id) => id.startsWith('si')));
    } else assert.deepEqual(t.topics, []);
  }
});

test('families without seeds get no tasks; a pool with none for any entry is a clear error', () => {
  const p = new Planner({ ...options(), seeds: pool.filter((s) => s.source === 'self_instruct') });
  for (let k = 0; k < 100; k++) assert.equal(p.task(k).source, 'self_instruct');
  const empty = new Planner({ ...options(), seeds: [] });
  assert.equal(empty.canPlan, false);
  assert.throws(() => empty.task(0), { code: 'USAGE' });
});

test('modes are spread evenly: task 0 generates, and a short run already has generated tasks', () => {
  const p = new Planner(options());
  const tasks = Array.from({ length: 60 }, (_, k) => p.task(k));
  assert.notEqual(tasks[0]!.mode, 'seed');
  const generating = tasks.map((t, k) => (t.mode === 'seed' ? -1 : k)).filter((k) => k >= 0);
  assert.ok(generating.length >= 3, `generating tasks at ${generating.join(',')}`);
  for (let i = 1; i < generating.length; i++) assert.ok(generating[i]! - generating[i - 1]! <= 25, 'no long clump of seed tasks');
});

test('over many tasks the mix gives the paper\'s proportions by example', () => {
  const big: Seed[] = [
    ...Array.from({ length: 50 }, (_, i) => seed(`si${i}`, 'self_instruct')),
    ...Array.from({ length: 5000 }, (_, i) => seed(`p3${i}`, 'p3', `s${i % 5}`)),
    ...Array.from({ length: 10000 }, (_, i) => seed(`fl${i}`, 'flan', `s${i % 5}`)),
    ...Array.from({ length: 1000 }, (_, i) => seed(`al${i}`, 'alpaca')),
  ];
  const p = new Planner({ ...options(), seeds: big });
  const examples = new Map<string, number>();
  for (let k = 0; k < 8000; k++) {
    const t = p.task(k);
    const key = t.mode === 'seed' ? `seed_${t.source}` : `${t.mode}_${t.source}`;
    examples.set(key, (examples.get(key) ?? 0) + (t.mode === 'seed' ? 1 : t.count));
  }
  const total = [...examples.values()].reduce((a, b) => a + b, 0);
  const share = (key: string) => (examples.get(key) ?? 0) / total;
  const paper = (x: number) => x / 2.58;
  assert.ok(Math.abs(share('seed_flan') - paper(0.93)) < 0.03, `flan ${share('seed_flan')}`);
  assert.ok(Math.abs(share('example_guided_p3') - paper(0.3)) < 0.03, `gen p3 ${share('example_guided_p3')}`);
  assert.ok(Math.abs(share('topic_guided_self_instruct') - paper(0.28)) < 0.03);
});

test('instruction sources follow the paper', () => {
  assert.equal(instructionSource('example_guided', 'self_instruct'), 'self_instruct_without_topic');
  assert.equal(instructionSource('topic_guided', 'self_instruct'), 'self_instruct_with_topic');
  assert.equal(instructionSource('example_guided', 'p3'), 'generated_p3');
  assert.equal(instructionSource('seed', 'flan'), 'original_flan');
  assert.equal(instructionSource('seed', 'alpaca'), 'alpaca');
  assert.equal(instructionSource('seed', 'mine'), 'mine');
  assert.equal(instructionSource('example_guided', 'mine'), 'generated_mine');
});
