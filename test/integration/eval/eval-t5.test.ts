/**
 * The encoder-decoder family through the same `lamini eval` path: a tiny T5 trained here on the four-question
 * corpus prefers the trained answers by log-likelihood (the encoder reads the wrapped question, the decoder
 * scores each answer).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateStudent, parseTask, promptStyle } from '../../../eval/index.ts';
import { openStudent } from '../../../trainers/student-model/index.ts';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, trainOptions } from '../../unit/trainers/train-helpers.ts';

const FACTS = [
  { question: 'What colour is the sky?', answer: 'blue' },
  { question: 'What colour is grass?', answer: 'green' },
  { question: 'What colour is snow?', answer: 'white' },
  { question: 'What colour is coal?', answer: 'black' },
];

let dataDir = '';
let checkpoint = '';

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lamini-eval-t5-'));
  await makeCorpus(dataDir, {
    examples: 240,
    perShard: 240,
    textFor: (n) => {
      const fact = FACTS[n % FACTS.length]!;
      return { instruction: fact.question, input: '', response: fact.answer };
    },
  });
  const result = await train(trainOptions(dataDir, { preset: 't5-tiny', steps: 120, saveEvery: 120, evalEvery: 120 }), recordingHooks());
  assert.ok(result.checkpoint !== undefined, 'the run saved a checkpoint');
  checkpoint = result.checkpoint;
});

after(() => rm(dataDir, { recursive: true, force: true }));

test('a T5 student trained to give the answers prefers them by log-likelihood', async (t) => {
  const choices = FACTS.map((f) => f.answer);
  const text = FACTS.map((f, i) => JSON.stringify({ context: f.question, choices, gold: i })).join('\n');
  const student = await openStudent(checkpoint, { backend: 'tensorflow' });
  t.after(() => student.dispose());
  assert.equal(student.family, 'encoder-decoder');
  const report = await evaluateStudent(student, [parseTask(text, 'colours', 'h')], {
    dataDir, style: promptStyle(true), maxNewTokens: 4, heldout: 20, record: false,
  });
  assert.deepEqual(report.tasks[0]?.metrics.map((m) => [m.metric, m.value]), [['acc', 1], ['acc_norm', 1]]);
  assert.equal(report.family, 'encoder-decoder');
  const loss = report.heldout?.metrics.find((m) => m.metric === 'loss');
  assert.ok(loss === undefined || Number.isFinite(loss.value), 'a held-out loss, when the split has rows, is finite');
});
