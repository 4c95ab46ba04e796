/**
 * The pieces of a step, checked against what they must equal: the prompt wrapper and the loss mask, AdamW against
 * its formula, gradient accumulation against one big batch, the schedule's shape, and the wasm backend's one-hot
 * embedding against native gather.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../trainers/backend/index.ts';
import { encodeExample, makeBatch, type Batch } from '../../../trainers/batch.ts';
import { Gpt2 } from '../../../trainers/model/gpt2.ts';
import { initGpt2Weights } from '../../../trainers/model/init.ts';
import { AdamW, ADAMW_DEFAULTS, decays } from '../../../trainers/optim/adamw.ts';
import { learningRate } from '../../../trainers/optim/schedule.ts';
import { alpacaPrompt, instructionAlone } from '../../../trainers/prompt.ts';
import { trainStep } from '../../../trainers/step.ts';
import { tf, type Tensor, type Variable } from '../../../trainers/tf.ts';
import type { EncodedExample } from '../../../trainers/batch.ts';

const SHAPE = { vocabSize: 300, context: 64, dModel: 32, layers: 2, heads: 4, layerNormEps: 1e-5 };
const byteEncoder = { eosId: 299, encode: (s: string): number[] => [...Buffer.from(s)] };

test('the Alpaca wrapper has an input section only when there is an input, and takes the joined input off the instruction', () => {
  assert.equal(
    alpacaPrompt({ instruction: 'Add the numbers.', input: '' }),
    'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n' +
      '### Instruction:\nAdd the numbers.\n\n### Response:\n',
  );
  const withInput = alpacaPrompt({ instruction: 'Add the numbers. : 2 and 3', input: '2 and 3' });
  assert.match(withInput, /paired with an input/);
  assert.match(withInput, /### Instruction:\nAdd the numbers\.\n\n### Input:\n2 and 3\n\n### Response:\n$/);
  assert.equal(instructionAlone('Say hi : there', 'there'), 'Say hi');
  assert.equal(instructionAlone('Say hi', 'there'), 'Say hi', 'unchanged when the input was not joined');
});

test('only the response tokens and the end token count in the loss; padding is on the right at weight 0', () => {
  const a = encodeExample({ instruction: 'Hi', input: '', response: 'ok' }, byteEncoder, 1000);
  const prompt = byteEncoder.encode(alpacaPrompt({ instruction: 'Hi', input: '' }));
  assert.deepEqual(a.ids, [...prompt, 111, 107, 299]);
  assert.equal(a.promptTokens, prompt.length);
  const b = encodeExample({ instruction: 'Hello there', input: '', response: 'fine' }, byteEncoder, 1000);
  const batch = makeBatch([a, b], 299);
  assert.equal(batch.time, b.ids.length - 1);
  assert.equal(batch.lossTokens, 3 + 5, 'response tokens plus the end token, per row');
  const row0 = Array.from(batch.weights.subarray(0, batch.time));
  assert.deepEqual(row0.map((w, t) => (w === 1 ? batch.targets[t] : -1)).filter((x) => x !== -1), [111, 107, 299]);
  assert.ok(row0.slice(a.ids.length - 1).every((w) => w === 0), 'padding does not count');

  const cut = encodeExample({ instruction: 'Hi', input: '', response: 'a long answer' }, byteEncoder, prompt.length + 2);
  assert.equal(cut.ids.length, prompt.length + 3, 'context + 1 tokens: the start is kept');
});

test('AdamW takes the step its formula gives, with decay on matrices and none on vectors', async (t) => {
  await selectBackend('tensorflow');
  const w = tf.variable(tf.tensor2d([[1, -2]]), true, 'w');
  const b = tf.variable(tf.tensor1d([0.5]), true, 'b');
  t.after(() => { w.dispose(); b.dispose(); });
  const cfg = { beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.1 };
  const opt = new AdamW(new Map<string, Variable>([['w', w], ['b', b]]), cfg);
  const g = [0.2, -0.4];
  for (let step = 1; step <= 2; step++) opt.apply(new Map<string, Tensor>([['w', tf.tensor2d([g])], ['b', tf.tensor1d([1])]]), 0.01);
  // by hand: after two equal gradients, m̂ = g and v̂ = g², so each step moves by lr·g/(|g| + ε) = lr·sign(g)
  let wExp = [1, -2];
  let bExp = 0.5;
  for (let step = 1; step <= 2; step++) {
    wExp = wExp.map((x, i) => x * (1 - 0.01 * 0.1) - 0.01 * Math.sign(g[i] ?? 0));
    bExp -= 0.01;
  }
  const got = await w.data();
  assert.ok(Math.abs((got[0] ?? 0) - (wExp[0] ?? 0)) < 1e-6 && Math.abs((got[1] ?? 0) - (wExp[1] ?? 0)) < 1e-6, `w ${got}`);
  assert.ok(Math.abs(((await b.data())[0] ?? 0) - bExp) < 1e-6, 'no decay on the bias');
  const snap = await opt.snapshot();
  assert.equal(snap.step, 2);
  assert.deepEqual([...snap.tensors.keys()].sort(), ['b.exp_avg', 'b.exp_avg_sq', 'w.exp_avg', 'w.exp_avg_sq']);
  opt.dispose();
});

/** n lists of `size` examples: 12 to 20 tokens, the first 6 to 9 of them the prompt. */
function examples(n: number, size: number): EncodedExample[][] {
  return Array.from({ length: n }, (_, k) =>
    Array.from({ length: size }, (_, i) => {
      const length = 12 + ((k * 5 + i * 3) % 9);
      return { ids: Array.from({ length }, (_, t) => (k * 97 + i * 31 + t * 13) % 299), promptTokens: 6 + ((k + i) % 4) };
    }),
  );
}

function batches(n: number, size: number): Batch[] {
  return examples(n, size).map((list) => makeBatch(list, 299));
}

test('weight decay: matrices and embeddings, not vectors nor anything named bias (T5\'s position tables)', () => {
  assert.equal(decays('shared.weight', 2), true);
  assert.equal(decays('transformer.h.0.attn.c_attn.weight', 2), true);
  assert.equal(decays('transformer.h.0.attn.c_attn.bias', 1), false);
  assert.equal(decays('encoder.block.0.layer.0.layer_norm.weight', 1), false);
  assert.equal(decays('encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight', 2), false);
});

test('gradient accumulation over micro-batches gives the update of one big batch', async () => {
  await selectBackend('tensorflow');
  const [e1, e2] = examples(2, 4);
  assert.ok(e1 !== undefined && e2 !== undefined);
  const m1 = makeBatch(e1, 299);
  const m2 = makeBatch(e2, 299);
  const whole = makeBatch([...e1, ...e2], 299);
  const run = async (micro: Batch[]): Promise<{ loss: number; weights: Float32Array }> => {
    const model = new Gpt2(SHAPE, initGpt2Weights(SHAPE, 7), { embedding: 'gather' });
    const opt = new AdamW(model.params, ADAMW_DEFAULTS);
    const r = trainStep(model, opt, micro, 1e-3, 1.0);
    const loss = (await r.loss.data())[0] ?? NaN;
    const weights = (await model.weights()).get('transformer.h.1.mlp.c_fc.weight')?.data ?? new Float32Array();
    r.loss.dispose(); r.gradNorm.dispose(); opt.dispose(); model.dispose();
    return { loss, weights };
  };
  const accumulated = await run([m1, m2]);
  const single = await run([whole]);
  assert.ok(Math.abs(accumulated.loss - single.loss) < 1e-5, `${accumulated.loss} vs ${single.loss}`);
  let diff = 0;
  for (let i = 0; i < single.weights.length; i++) diff = Math.max(diff, Math.abs((single.weights[i] ?? 0) - (accumulated.weights[i] ?? 0)));
  // A first AdamW step moves each weight by about lr = 1e-3 whatever the gradient's size, so float noise in a
  // near-zero gradient shows; 1e-5 is 1% of a step.
  assert.ok(diff < 1e-5, `largest weight difference ${diff}`);
});

test('the schedule warms up linearly, peaks, and decays by cosine to zero at the last step', () => {
  const s = { peak: 1e-3, warmup: 10, total: 110, minRatio: 0 };
  assert.equal(learningRate(5, s), 5e-4);
  assert.equal(learningRate(10, s), 1e-3);
  assert.ok(Math.abs(learningRate(60, s) - 5e-4) < 1e-12, 'half way down at the middle of the decay');
  assert.equal(learningRate(110, s), 0);
  assert.equal(learningRate(500, { ...s, total: null }), 1e-3, 'open-ended runs stay at the peak');
});

test('the wasm backend (one-hot embedding) computes the same loss and step as native (gather)', async () => {
  const [b1, b2] = batches(2, 3);
  assert.ok(b1 !== undefined && b2 !== undefined);
  const losses = async (backend: 'tensorflow' | 'wasm', embedding: 'gather' | 'one-hot'): Promise<number[]> => {
    await selectBackend(backend);
    const model = new Gpt2(SHAPE, initGpt2Weights(SHAPE, 3), { embedding });
    const opt = new AdamW(model.params, ADAMW_DEFAULTS);
    const out: number[] = [];
    for (const b of [b1, b2, b1]) {
      const r = trainStep(model, opt, [b], 1e-3, 1.0);
      out.push((await r.loss.data())[0] ?? NaN);
      r.loss.dispose(); r.gradNorm.dispose();
    }
    opt.dispose(); model.dispose();
    return out;
  };
  const native = await losses('tensorflow', 'gather');
  const wasm = await losses('wasm', 'one-hot');
  await selectBackend('tensorflow');
  native.forEach((l, i) => assert.ok(Math.abs(l - (wasm[i] ?? NaN)) < 1e-4, `step ${i + 1}: native ${l}, wasm ${wasm[i]}`));
  assert.ok((native[2] ?? 0) < (native[0] ?? 0), 'the same batch scores better after two steps');
});
