/**
 * `lamini eval` on a real student: a tiny GPT-2 trained here on a corpus that answers four questions, then
 * scored on a multiple-choice task over the same questions. Log-likelihood scoring must prefer the answer it was
 * trained to give on every item; the held-out split of the same corpus gives a finite loss; the numbers land in
 * the results store and in `lamini query`'s view `results`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runQuery } from '../../../corpus/index.ts';
import { evaluateStudent, promptStyle, readResults, readTask } from '../../../eval/index.ts';
import { openStudent } from '../../../trainers/student-model/index.ts';
import { train } from '../../../trainers/trainer.ts';
import { lamini } from '../../helpers/cli.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, trainOptions } from '../../unit/trainers/train-helpers.ts';

const FACTS = [
  { question: 'What colour is the sky?', answer: 'blue' },
  { question: 'What colour is grass?', answer: 'green' },
  { question: 'What colour is snow?', answer: 'white' },
  { question: 'What colour is coal?', answer: 'black' },
];

/** One trained tiny student for every test in this file: its data dir (corpus + checkpoints) and checkpoint. */
let dataDir = '';
let checkpoint = '';

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lamini-eval-it-'));
  await makeCorpus(dataDir, {
    examples: 240,
    perShard: 120,
    textFor: (n) => {
      const fact = FACTS[n % FACTS.length]!;
      return { instruction: fact.question, input: '', response: fact.answer };
    },
  });
  const result = await train(trainOptions(dataDir, { steps: 120, saveEvery: 120, evalEvery: 120 }), recordingHooks());
  assert.ok(result.checkpoint !== undefined, 'the run saved a checkpoint');
  checkpoint = result.checkpoint;
});

after(() => rm(dataDir, { recursive: true, force: true }));

/** The task file: each question with the four answers as choices, gold the one trained. */
async function factsTask(dir: string): Promise<string> {
  const path = join(dir, 'colours.jsonl');
  const choices = FACTS.map((f) => f.answer);
  await writeFile(path, FACTS.map((f, i) => JSON.stringify({ id: `c${i}`, context: f.question, choices, gold: i })).join('\n') + '\n');
  return path;
}

test('a student trained to give the answers prefers them by log-likelihood; results are queryable', async (t) => {
  const before = (await readResults(dataDir)).length;
  const task = await readTask(await factsTask(dataDir));
  const student = await openStudent(checkpoint, { backend: 'tensorflow' });
  t.after(() => student.dispose());

  const wrapped = await evaluateStudent(student, [task], { dataDir, style: promptStyle(true), maxNewTokens: 4, heldout: 50 });
  const [colours] = wrapped.tasks;
  assert.deepEqual(colours?.metrics.map((m) => [m.metric, m.value, m.n]), [['acc', 1, 4], ['acc_norm', 1, 4]]);
  assert.deepEqual(colours?.metrics.map((m) => m.stderr), [0, 0], 'all four right: sample stddev 0');
  assert.ok(wrapped.heldout !== null, 'the corpus has a held-out split');
  const loss = wrapped.heldout.metrics.find((m) => m.metric === 'loss');
  assert.ok(loss !== undefined && Number.isFinite(loss.value) && loss.value > 0 && loss.n > 0, `held-out loss ${JSON.stringify(loss)}`);
  assert.equal(wrapped.heldout.split.from, 'checkpoint', 'the split is the one the checkpoint was trained against');

  // Raw prompts (as the harness sends them) run too; the student was not trained on them, so no claim on accuracy.
  const raw = await evaluateStudent(student, [task], { dataDir, style: promptStyle(false), maxNewTokens: 4, heldout: 0, limit: 2 });
  assert.deepEqual(raw.tasks[0]?.metrics.map((m) => m.n), [2, 2], '--limit 2 scores the first two items');

  // A data dir without the checkpoint's corpus: the held-out part is skipped, the rest still runs.
  const elsewhere = await mkdtemp(join(tmpdir(), 'lamini-eval-elsewhere-'));
  t.after(() => rm(elsewhere, { recursive: true, force: true }));
  const lines: string[] = [];
  const bare = await evaluateStudent(student, [], { dataDir: elsewhere, style: promptStyle(true), maxNewTokens: 4, heldout: 10, log: (l) => lines.push(l) });
  assert.equal(bare.heldout, null);
  assert.deepEqual(lines, ['held-out: the corpus has no evaluation rows at this snapshot; skipped']);
  assert.equal(bare.results_file, null, 'nothing to record');

  const rows = (await readResults(dataDir)).slice(before);
  assert.deepEqual(rows.map((r) => `${r.task}/${r.metric}`), [
    'colours/acc', 'colours/acc_norm', 'heldout/loss', 'heldout/perplexity', 'colours/acc', 'colours/acc_norm',
  ]);
  assert.ok(rows.every((r) => r.checkpoint === checkpoint && r.corpus_seq === 2 && r.corpus_hash !== null));
  const out = JSON.parse(await runQuery(dataDir,
    "SELECT metric, value, details->>'wrapper' AS wrapper FROM results WHERE task = 'colours' ORDER BY created_at, metric", { format: 'json' }));
  assert.deepEqual(out, [
    { metric: 'acc', value: 1, wrapper: 'true' }, { metric: 'acc_norm', value: 1, wrapper: 'true' },
    { metric: 'acc', value: raw.tasks[0]?.metrics[0]?.value, wrapper: 'false' }, { metric: 'acc_norm', value: raw.tasks[0]?.metrics[1]?.value, wrapper: 'false' },
  ]);
});

const FIXTURES = fileURLToPath(new URL('../../fixtures/eval/', import.meta.url));

test('the lamini command: convert, eval --json, the results view, and one-line errors', async () => {
  const out = join(dataDir, 'sciq.jsonl');
  const converted = await lamini(['eval', 'convert', '--format', 'sciq', join(FIXTURES, 'sciq.jsonl'), out]);
  assert.equal(converted.code, 0, converted.stderr);
  assert.match(converted.stdout, /2 items from 2 sciq records/);

  const task = await factsTask(dataDir);
  const run = await lamini(['eval', '--data-dir', dataDir, '--checkpoint', join(dataDir, 'checkpoints'), '--tasks', task, out,
    '--json', '--heldout', '0', '--backend', 'tensorflow', '--samples', join(dataDir, 'samples.jsonl')]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { checkpoint: string; tasks: Array<{ task: string; metrics: Array<{ metric: string; value: number }> }>; results_file: string };
  assert.equal(report.checkpoint, checkpoint, 'a checkpoints root resolves to its latest checkpoint');
  assert.deepEqual(report.tasks.map((t) => t.task), ['colours', 'sciq']);
  assert.deepEqual(report.tasks[0]?.metrics.map((m) => [m.metric, m.value]), [['acc', 1], ['acc_norm', 1]]);
  const samples = (await readFile(join(dataDir, 'samples.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { task: string; lls: number[] });
  assert.deepEqual(samples.map((s) => [s.task, s.lls.length]), [['colours', 4], ['colours', 4], ['colours', 4], ['colours', 4], ['sciq', 4], ['sciq', 4]]);

  const query = await lamini(['query', '--data-dir', dataDir, '--format', 'json',
    `SELECT task, metric, n FROM results WHERE run_id = (SELECT run_id FROM results ORDER BY created_at DESC LIMIT 1) ORDER BY task, metric`]);
  assert.equal(query.code, 0, query.stderr);
  assert.deepEqual(JSON.parse(query.stdout), [
    { task: 'colours', metric: 'acc', n: 4 }, { task: 'colours', metric: 'acc_norm', n: 4 },
    { task: 'sciq', metric: 'acc', n: 2 }, { task: 'sciq', metric: 'acc_norm', n: 2 },
  ]);

  const table = await lamini(['eval', '--data-dir', dataDir, '--checkpoint', checkpoint, '--tasks', task, '--heldout', '0', '--no-record', '--backend', 'tensorflow']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /\| colours \| acc +\| +1\.0000 \| ± \| +0\.0000 \| +4 \|/);

  const missing = await lamini(['eval', '--tasks', task]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^lamini: --checkpoint DIR is required/);
  const bad = join(dataDir, 'bad.jsonl');
  await writeFile(bad, '{"context": "x", "choices": ["a"], "gold": 0}\n');
  const invalid = await lamini(['eval', '--data-dir', dataDir, '--checkpoint', checkpoint, '--tasks', bad]);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /^lamini: .*bad\.jsonl is not a valid task file: line 1: "choices" must be a list of at least two strings\n$/);
});
