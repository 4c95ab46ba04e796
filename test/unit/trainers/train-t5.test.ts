/**
 * The training loop with an encoder-decoder student: a tiny T5 trained from scratch (byte-level BPE, ReLU, tied
 * head) overfits 32 examples below 0.5 nats per response token, its checkpoint is a T5 folder that the student
 * interface opens and that answers the trained response, and a resumed run refuses a clashing --arch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLaminiError, ErrorCodes } from '../../../common/errors.ts';
import { latestCheckpoint, readCheckpoint } from '../../../trainers/checkpoint/index.ts';
import { RowStream } from '../../../trainers/data/index.ts';
import { alpacaPrompt } from '../../../trainers/prompt.ts';
import { makeRuntime } from '../../../trainers/runtime.ts';
import { evalLoss } from '../../../trainers/step.ts';
import { openStudent } from '../../../trainers/student-model/index.ts';
import { parseAnyTokenizerJson } from '../../../trainers/tokenizer/index.ts';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, tempDir, trainOptions } from './train-helpers.ts';

test('a tiny T5 overfits 32 examples below 0.5 nats per response token and answers through the student interface', async (t) => {
  const dir = await tempDir(t);
  await makeCorpus(dir, { examples: 32, perShard: 16 });
  const hooks = recordingHooks();
  const steps = 120;
  const result = await train(trainOptions(dir, { preset: 't5-tiny', arch: 'encoder-decoder', steps, batchSize: 16, evalPermille: 0, saveEvery: 1000 }), hooks);
  assert.equal(result.step, steps);
  assert.ok(hooks.lines.some((l) => l.includes('T5 (ReLU, tied head)')), hooks.lines.join('\n'));

  const saved = await latestCheckpoint(trainOptions(dir).out);
  assert.ok(saved !== undefined && saved.step === steps);
  const config = JSON.parse(await readFile(join(saved.dir, 'config.json'), 'utf8'));
  assert.equal(config.model_type, 't5');
  assert.equal(config.feed_forward_proj, 'relu');
  const parts = await readCheckpoint(saved.dir);
  assert.ok(parts.arch === 't5');
  assert.equal(parts.trainerState['window'], 128);

  const stream = await RowStream.open(dir, { seed: 5, epochs: 1, evalPermille: 0 });
  const rows = await stream.take(100);
  await stream.close();
  assert.equal(rows.length, 32);
  const tokenizer = parseAnyTokenizerJson(parts.tokenizerJson);
  const runtime = makeRuntime({ arch: 'encoder-decoder', window: 128, student: { config: parts.config, tokenizer, weights: new Map(parts.weights) } }, 'gather');
  t.after(() => runtime.dispose());
  const loss = await evalLoss(runtime, [runtime.prepare(rows)]);
  const first = hooks.logs.find((e) => e.step === 1)?.loss;
  assert.ok(first !== undefined && first > 4, `starts near ln(vocab): ${first}`);
  assert.ok(loss < 0.5, `loss over the 32 examples is ${loss.toFixed(4)}`);

  const student = await openStudent(saved.dir, { backend: 'tensorflow' });
  t.after(() => student.dispose());
  assert.equal(student.family, 'encoder-decoder');
  const row = rows[0]!;
  const answer = await student.generate(alpacaPrompt(row), { maxNewTokens: 80 });
  assert.equal(answer.text, row.response.trim());
  assert.equal(answer.finishReason, 'eos');
  const own = await student.scoreContinuation(alpacaPrompt(row).trimEnd(), row.response.trim());
  const other = await student.scoreContinuation(alpacaPrompt(row).trimEnd(), rows[1]!.response.trim());
  assert.ok(own.logprob > other.logprob, `own ${own.logprob}, other ${other.logprob}`);

  await assert.rejects(
    train(trainOptions(dir, { preset: 'tiny', arch: 'decoder-only', steps: steps + 1, batchSize: 16, evalPermille: 0 }), recordingHooks()),
    (e) => isLaminiError(e, ErrorCodes.CHECKPOINT_MISMATCH) && /--arch decoder-only/.test(e.message),
  );
});
