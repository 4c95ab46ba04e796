/** A run's report as result rows (one per task and metric, held-out under task `heldout`) and as the table. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReport, isResultRow, resultRows, type EvalReport } from '../../../eval/index.ts';

const report: EvalReport = {
  run_id: 'r1', checkpoint: '/ck/checkpoint-9', family: 'decoder-only', backend: 'tensorflow', corpus: { seq: 4, hash: 'abcdabcdabcdabcd' },
  style: { wrapper: false, delimiter: ' ' },
  tasks: [{ task: 'sciq', kind: 'choice', hash: 'h1', items: 3, seconds: 0.1, metrics: [
    { metric: 'acc', value: 2 / 3, stderr: 0.3333333333333333, n: 3 }, { metric: 'acc_norm', value: 1, stderr: 0, n: 3 },
  ] }],
  heldout: { split: { snapshot: 4, permille: 10, from: 'checkpoint' }, rows: 5, tokens: 40, skipped: 1, metrics: [
    { metric: 'loss', value: 800, stderr: null, n: 5 }, { metric: 'perplexity', value: Math.exp(800), stderr: null, n: 5 },
  ] },
  results_file: null,
};

test('result rows: one per task and metric, valid, a perplexity that overflows stored as null', () => {
  const rows = resultRows(report, { limit: 3, maxNewTokens: 64 });
  assert.ok(rows.every(isResultRow));
  assert.deepEqual(rows.map((r) => [r.task, r.metric, r.value, r.n]), [
    ['sciq', 'acc', 2 / 3, 3], ['sciq', 'acc_norm', 1, 3], ['heldout', 'loss', 800, 5], ['heldout', 'perplexity', null, 5],
  ]);
  assert.equal(new Set(rows.map((r) => r.id)).size, 4, 'ids are distinct');
  assert.deepEqual(rows[0]?.details, { family: 'decoder-only', backend: 'tensorflow', wrapper: false, delimiter: ' ', task_hash: 'h1', kind: 'choice', limit: 3 });
  assert.deepEqual(rows[3]?.details, { family: 'decoder-only', backend: 'tensorflow', wrapper: false, delimiter: ' ', snapshot: 4, permille: 10, split_from: 'checkpoint', tokens: 40, skipped: 1 });
  assert.ok(rows.every((r) => r.corpus_seq === 4 && r.checkpoint === '/ck/checkpoint-9' && r.source === 'eval'));
});

test('the table: the harness layout, N/A where there is no standard error', () => {
  assert.equal(formatReport(report), [
    '/ck/checkpoint-9 (decoder-only, tensorflow), raw prompts, delimiter " ", corpus seq 4',
    '| task    | metric     |    value |   | stderr | n |',
    '|---------|------------|---------:|---|-------:|--:|',
    '| sciq    | acc        |   0.6667 | ± | 0.3333 | 3 |',
    '| sciq    | acc_norm   |   1.0000 | ± | 0.0000 | 3 |',
    '| heldout | loss       | 800.0000 | ± |    N/A | 5 |',
    '| heldout | perplexity |      N/A | ± |    N/A | 5 |',
  ].join('\n'));
});
