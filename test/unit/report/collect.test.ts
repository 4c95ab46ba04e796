import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PAPER_MIX } from '../../../common/config.ts';
import { PAPER_TABLE1 } from '../../../corpus/diversity.ts';
import { collectReport, NO_RESULTS_NOTE } from '../../../report/index.ts';
import { tempDataDir } from '../corpus/fixtures.ts';
import { writeFixture } from './fixture.ts';

const countBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
};
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const words = (s: string): number => s.split(/\s+/).filter((w) => w !== '').length;

test('the report gathers the mix, lengths, timelines, teacher, diversity, training and evaluation from one snapshot', async (t) => {
  const dir = await tempDataDir(t);
  const facts = await writeFixture(dir);
  const d = await collectReport({ dataDir: dir, mix: PAPER_MIX });
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d, 'plain JSON');

  assert.equal(d.latest.examples, facts.examples.length);
  assert.equal(d.latest.manifest_sequence, 3);
  assert.equal(d.latest.teacher.requests, facts.requests.length);
  assert.equal(d.latest.teacher.rate_limited, facts.requests.filter((r) => r.status === 'TEACHER_RATE_LIMITED').length);
  assert.equal(d.latest.teacher.cache_hits, facts.requests.filter((r) => r.cached).length);

  // Mix: our shares from the rows, the paper's from Table 1 (original_* included though we have none).
  const bySource = countBy(facts.examples, (e) => e.instruction_source);
  for (const [source, n] of bySource) {
    const row = d.mix.sources.find((s) => s.source === source);
    assert.ok(row, source);
    assert.equal(row.examples, n);
    assert.ok(Math.abs(row.share - n / facts.examples.length) < 1e-12);
  }
  const paperTotal = sum(Object.entries(PAPER_TABLE1).filter(([k]) => k !== 'all').map(([, v]) => v.pairs));
  const flan = d.mix.sources.find((s) => s.source === 'original_flan');
  assert.equal(flan?.examples, 0);
  assert.ok(Math.abs((flan?.paper_share ?? 0) - PAPER_TABLE1['original_flan']!.pairs / paperTotal) < 1e-12);
  assert.deepEqual(new Map(d.mix.modes.map((m) => [m.mode, m.examples])), countBy(facts.examples, (e) => e.generation_mode));

  // Lengths: every histogram holds each of its source's rows once; means match a count done here.
  for (const h of d.lengths.by_source) {
    const mine = facts.examples.filter((e) => e.instruction_source === h.source);
    assert.equal(sum(h.instruction), mine.length, `${h.source} instruction bins`);
    assert.equal(sum(h.response), mine.length, `${h.source} response bins`);
    const mean = sum(mine.map((e) => words(e.instruction))) / mine.length;
    assert.ok(Math.abs(h.instruction_mean - mean) < 0.006, `${h.source} mean ${h.instruction_mean} vs ${mean}`);
    assert.equal(h.paper_instruction_mean, PAPER_TABLE1[h.source]?.instruction_length ?? null);
  }

  // Timelines: the buckets add up to the totals by reason, and the bucket keeps the span under the cap.
  assert.equal(d.timeline.bucket, '5 minutes');
  for (const [reason, n] of countBy(facts.dropped, (r) => r.reason)) assert.equal(sum(d.timeline.dropped.by_key[reason] ?? []), n, reason);
  for (const [reason, n] of countBy(facts.deadLetters, (r) => r.reason)) assert.equal(sum(d.timeline.dead_letters.by_key[reason] ?? []), n, reason);
  assert.equal(sum(d.timeline.teacher.requests), facts.requests.length);
  assert.equal(sum(d.timeline.teacher.rate_limited), d.latest.teacher.rate_limited);
  assert.ok(Math.abs(sum(d.timeline.teacher.spend_usd) - sum(facts.requests.map((r) => r.cost_usd))) < 1e-9);
  assert.equal(sum(d.timeline.teacher.retries), sum(facts.requests.map((r) => r.retries)));
  assert.equal(d.timeline.teacher.times.length, d.timeline.dropped.times.length);
  assert.deepEqual(d.reasons.dead_letters.find((r) => r.reason === 'teacher_timeout'), { reason: 'teacher_timeout', operator: 'respond', count: 2 });

  // Diversity: the full corpus below the sampling threshold, the same figures `lamini stats` computes.
  assert.equal(d.diversity.rows, facts.examples.length);
  assert.equal(d.diversity.figures?.all.pairs, facts.examples.length);

  // Training: one run of two checkpoints, the newest one's history; the broken checkpoint is listed, not fatal.
  assert.equal(d.training.runs.length, 1);
  const run = d.training.runs[0]!;
  assert.equal(run.checkpoint, join('checkpoints', 'checkpoint-40'));
  assert.deepEqual(run.checkpoints, facts.checkpointSteps.map((s) => `checkpoint-${s}`));
  assert.deepEqual(run.history.map((h) => h.step), facts.history.map((h) => h.step));
  assert.deepEqual(run.history.map((h) => h.eval_loss), facts.history.map((h) => h.eval_loss ?? null));
  assert.equal(d.training.problems.length, 1);
  assert.match(d.training.problems[0]!.message, /^CHECKPOINT_INVALID: .*version 99/);

  // Evaluation: the newest value per (checkpoint, task, metric); ratings count each rated item once, as last rated.
  assert.equal(d.evaluation.note, null);
  const acc = d.evaluation.results.find((r) => r.checkpoint === join('checkpoints', 'checkpoint-20') && r.task === 'arc_easy');
  assert.equal(acc?.value, facts.results.filter((r) => r.task === 'arc_easy' && r.checkpoint.endsWith('checkpoint-20')).at(-1)?.value);
  assert.equal(acc?.stderr, 0.02);
  const ratings = new Map(d.evaluation.ratings.filter((r) => r.checkpoint.endsWith('checkpoint-20')).map((r) => [r.rating, r.count]));
  const newest = new Map<string, string>();
  for (const r of facts.results) if (r.metric === 'rating' && r.checkpoint.endsWith('checkpoint-20')) newest.set(r.id, r.label ?? '');
  assert.deepEqual(ratings, countBy([...newest.values()], (g) => g));

  // Samples: a few per source, the hostile text kept as it is (escaping is the page's job).
  assert.equal(d.samples.length, bySource.size);
  for (const s of d.samples) assert.ok(s.rows.length > 0 && s.rows.length <= 3);
});

test('an empty data dir gives an empty report with notes, not an error', async (t) => {
  const dir = await tempDataDir(t);
  const d = await collectReport({ dataDir: dir, mix: PAPER_MIX, checkpoints: [join(dir, 'nowhere')] });
  assert.equal(d.latest.examples, 0);
  assert.equal(d.latest.updated_at, null);
  assert.equal(d.timeline.bucket, null);
  assert.equal(d.diversity.figures, null);
  assert.deepEqual(d.samples, []);
  assert.deepEqual(d.training.runs, []);
  assert.equal(d.evaluation.note, NO_RESULTS_NOTE);
  assert.ok(d.mix.sources.every((s) => s.examples === 0 && s.paper_share !== null));
});

test('above the threshold diversity is computed on a fixed sample and says so', async (t) => {
  const dir = await tempDataDir(t);
  await writeFixture(dir, { results: false });
  const a = await collectReport({ dataDir: dir, mix: PAPER_MIX, diversityRows: 25 });
  const b = await collectReport({ dataDir: dir, mix: PAPER_MIX, diversityRows: 25 });
  assert.equal(a.diversity.rows, 25);
  assert.equal(a.diversity.of, 60);
  assert.equal(a.diversity.figures?.all.pairs, 25);
  assert.deepEqual(a.diversity.figures, b.diversity.figures, 'the same sample each time');
  assert.equal(a.latest.examples, 60, 'the sample is only for diversity');
});

test('a results file that does not read costs the evaluation section, not the report', async (t) => {
  const dir = await tempDataDir(t);
  await writeFixture(dir, { results: false });
  await mkdir(join(dir, 'results'), { recursive: true });
  await writeFile(join(dir, 'results', 'results-2026-01-01T00-00-00-000Z-1-0123abcd.jsonl'), '{"id": "x", "value": "not a number"\n');
  const d = await collectReport({ dataDir: dir, mix: PAPER_MIX });
  assert.equal(d.latest.examples, 60);
  assert.match(d.evaluation.note ?? '', /^The results store could not be read: /);
  assert.deepEqual(d.evaluation.results, []);
});
