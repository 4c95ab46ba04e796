/**
 * The training loop on the native backend, through the library: a tiny student overfits 32 examples, and the
 * errors a user can meet before any step (an empty corpus, one smaller than a batch) are one-line typed errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLaminiError, ErrorCodes } from '../../../common/errors.ts';
import { encodeExample, makeBatch } from '../../../trainers/batch.ts';
import { latestCheckpoint } from '../../../trainers/checkpoint/index.ts';
import { RowStream } from '../../../trainers/data/index.ts';
import { Gpt2 } from '../../../trainers/model/gpt2.ts';
import { evalLoss } from '../../../trainers/step.ts';
import { studentFromInit } from '../../../trainers/student.ts';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, tempDir, trainOptions } from './train-helpers.ts';

test('a tiny student overfits 32 examples to below 0.5 nats per response token', async (t) => {
  const dir = await tempDir(t);
  await makeCorpus(dir, { examples: 32, perShard: 16 });
  const hooks = recordingHooks();
  const result = await train(trainOptions(dir, { steps: 200, batchSize: 16, evalPermille: 0, saveEvery: 1000 }), hooks);
  assert.equal(result.backend.name, 'tensorflow', 'the native backend runs the test');
  assert.equal(result.step, 200);
  assert.equal(result.stoppedBy, 'steps');

  // Score every example with the saved student, as a user's script would.
  const saved = await latestCheckpoint(trainOptions(dir).out);
  assert.ok(saved !== undefined && saved.step === 200);
  const student = await studentFromInit(saved.dir);
  const model = new Gpt2(student.config, student.weights, { embedding: 'gather' });
  t.after(() => model.dispose());
  const stream = await RowStream.open(dir, { seed: 5, epochs: 1, evalPermille: 0 });
  const rows = await stream.take(100);
  await stream.close();
  assert.equal(rows.length, 32);
  const batch = makeBatch(rows.map((r) => encodeExample(r, student.tokenizer, student.config.context)), student.tokenizer.eosId);
  const loss = await evalLoss(model, [batch]);
  const first = hooks.logs.find((e) => e.step === 1)?.loss;
  assert.ok(first !== undefined && first > 4, `starts near ln(vocab): ${first}`);
  assert.ok(loss < 0.5, `loss over the 32 examples is ${loss.toFixed(4)}`);
});

test('an empty corpus and one smaller than a batch are one-line typed errors', async (t) => {
  const empty = await tempDir(t);
  await assert.rejects(train(trainOptions(empty, { steps: 5 }), recordingHooks()), (e) => isLaminiError(e, ErrorCodes.TRAIN_CORPUS_EMPTY) && !e.message.includes('\n'));
  const small = await tempDir(t);
  await makeCorpus(small, { examples: 5, perShard: 5 });
  await assert.rejects(
    train(trainOptions(small, { steps: 5, batchSize: 8, evalPermille: 0 }), recordingHooks()),
    (e) => isLaminiError(e, ErrorCodes.TRAIN_CORPUS_TOO_SMALL) && /5/.test(e.message),
  );
});
