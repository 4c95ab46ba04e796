/**
 * The student interface on a decoder-only student: a tiny GPT-2 overfits 16 examples, then `openStudent` on its
 * checkpoints root scores each example's own response above another example's, agrees with the trainer's own loss
 * (an independent code path) on the same tokens, scores the same one by one and batched, and generates the trained
 * response greedily, streaming the same text it returns and stopping at a stop string.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBatch } from '../../../../trainers/batch.ts';
import { RowStream, type TrainRow } from '../../../../trainers/data/index.ts';
import { Gpt2 } from '../../../../trainers/model/gpt2.ts';
import { alpacaPrompt } from '../../../../trainers/prompt.ts';
import { evalLoss } from '../../../../trainers/step.ts';
import { studentFromInit } from '../../../../trainers/student.ts';
import { openStudent, type StudentModel } from '../../../../trainers/student-model/index.ts';
import { train } from '../../../../trainers/trainer.ts';
import { EOS_TOKEN } from '../../../../trainers/tokenizer/index.ts';
import { makeCorpus } from '../../../helpers/corpus-fixture.ts';
import { recordingHooks, trainOptions } from '../train-helpers.ts';

let dir = '';
let student: StudentModel;
let rows: TrainRow[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lamini-student-test-'));
  await makeCorpus(dir, { examples: 16, perShard: 16 });
  await train(trainOptions(dir, { steps: 150, batchSize: 16, evalPermille: 0, saveEvery: 1000 }), recordingHooks());
  student = await openStudent(join(dir, 'checkpoints'), { backend: 'tensorflow' });
  const stream = await RowStream.open(dir, { seed: 3, epochs: 1, evalPermille: 0 });
  rows = await stream.take(100);
  await stream.close();
});

after(async () => {
  student.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('openStudent reads the latest checkpoint of a root as a decoder-only student', () => {
  assert.equal(student.family, 'decoder-only');
  assert.match(student.dir, /checkpoint-150$/);
  assert.equal(student.name, 'checkpoints/checkpoint-150');
  assert.equal(student.backend, 'tensorflow');
  assert.equal(student.maxContextTokens, 128);
  assert.ok(student.parameters > 10_000);
});

test('a trained response scores higher than another example\'s, and its tokens are the continuation\'s', async () => {
  assert.equal(rows.length, 16);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const other = rows[(i + 1) % rows.length]!;
    const own = await student.scoreContinuation(alpacaPrompt(row), row.response.trim());
    const foreign = await student.scoreContinuation(alpacaPrompt(row), other.response.trim());
    assert.ok(own.logprob > foreign.logprob, `example ${i}: own ${own.logprob.toFixed(2)}, other ${foreign.logprob.toFixed(2)}`);
    // The prompt's trailing newline moves onto the continuation (lm-evaluation-harness's split).
    assert.equal(student.tokenizer.decode(own.tokenIds), `\n${row.response.trim()}`);
    assert.equal(own.tokens, own.tokenIds.length);
    assert.ok(Math.abs(own.tokenLogprobs.reduce((a, b) => a + b, 0) - own.logprob) < 1e-4);
    assert.ok(own.tokenLogprobs.every((lp) => lp <= 0));
    assert.equal(foreign.isGreedy, false);
  }
});

test('the score agrees with the trainer\'s loss on the same tokens (an independent code path)', async () => {
  const row = rows[0]!;
  const context = alpacaPrompt(row);
  const score = await student.scoreContinuation(context, `${row.response.trim()}${EOS_TOKEN}`);
  assert.equal(score.tokenIds.at(-1), student.tokenizer.eosId, 'a literal end token is the end token');
  const saved = await studentFromInit(student.dir);
  const model = new Gpt2(saved.config, saved.weights, { embedding: 'gather' });
  try {
    const prompt = saved.tokenizer.encode(context.trimEnd());
    const batch = makeBatch([{ ids: [...prompt, ...score.tokenIds], promptTokens: prompt.length }], saved.tokenizer.eosId);
    assert.equal(batch.lossTokens, score.tokens);
    const loss = await evalLoss(model, [batch]);
    assert.ok(Math.abs(-score.logprob / score.tokens - loss) < 1e-4, `score ${-score.logprob / score.tokens}, loss ${loss}`);
  } finally {
    model.dispose();
  }
});

test('batched scoring equals one-by-one scoring (right padding changes nothing)', async () => {
  const requests = rows.slice(0, 10).map((r, i) => ({ context: alpacaPrompt(r), continuation: rows[(i * 3) % 16]!.response.trim() }));
  requests.push({ context: '', continuation: 'river stone' }, { context: 'The river ', continuation: 'stone' });
  const batched = await student.scoreContinuations(requests);
  for (const [i, r] of requests.entries()) {
    const one = await student.scoreContinuation(r.context, r.continuation);
    assert.deepEqual(batched[i]?.tokenIds, one.tokenIds);
    assert.ok(Math.abs((batched[i]?.logprob ?? NaN) - one.logprob) < 1e-3, `request ${i}`);
    assert.equal(batched[i]?.isGreedy, one.isGreedy);
  }
  // Trailing space of the context moves onto the continuation, as lm-evaluation-harness does.
  const moved = await student.scoreContinuation('The river ', 'stone');
  assert.equal(student.tokenizer.decode(moved.tokenIds), ' stone');
});

test('greedy generation says the trained response, streams the same text, and stops at a stop string', async () => {
  const row = rows[2]!;
  const pieces: string[] = [];
  const answer = await student.generate(alpacaPrompt(row), { maxNewTokens: 100, onToken: (t) => pieces.push(t) });
  assert.equal(answer.finishReason, 'eos');
  assert.equal(answer.text, row.response.trim());
  assert.equal(pieces.join(''), answer.text);
  assert.ok(pieces.length > 1, 'streamed in pieces');
  // From the first word on, the trained rest is the argmax at every position, under scoring as in generation.
  const [first = '', ...rest] = row.response.trim().split(' ');
  const tail = ` ${rest.join(' ')}`;
  const own = await student.scoreContinuation(`${alpacaPrompt(row)}${first}`, tail);
  assert.equal(own.isGreedy, true, 'the greedy answer is greedy under scoring too');
  assert.equal((await student.generate(`${alpacaPrompt(row)}${first}`, { maxNewTokens: 100 })).text, tail);

  const word = row.response.trim().split(' ')[1] ?? '';
  const stopped: string[] = [];
  const cut = await student.generate(alpacaPrompt(row), { maxNewTokens: 100, stop: [` ${word}`], onToken: (t) => stopped.push(t) });
  assert.equal(cut.finishReason, 'stop');
  assert.equal(cut.text, row.response.trim().split(' ')[0]);
  assert.equal(stopped.join(''), cut.text, 'nothing of the stop string was streamed');

  const short = await student.generate(alpacaPrompt(row), { maxNewTokens: 2 });
  assert.equal(short.finishReason, 'length');
  assert.equal(short.tokens, 2);
});

test('sampling is reproducible by seed', async () => {
  const prompt = alpacaPrompt(rows[4]!);
  const a = await student.generate(prompt, { maxNewTokens: 12, temperature: 1.5, seed: 7 });
  const b = await student.generate(prompt, { maxNewTokens: 12, temperature: 1.5, seed: 7 });
  assert.equal(a.text, b.text);
  await assert.rejects(student.generate(prompt, { maxNewTokens: 1, topP: 0 }), /topP/);
});
