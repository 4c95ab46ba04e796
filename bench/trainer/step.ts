/**
 * Tokens per second of one training step of our GPT-2 student (forward, backward, global-norm clipping, AdamW) on
 * one backend, with the same shape, data and hyperparameters as bench/trainer/python_step.py: seeded random
 * tokens, every position counted in the loss, lr 1e-4, weight decay 0.01. Prints one JSON line with the median
 * over the timed steps and the process's peak RSS. bench/trainer/compare.ts runs it beside the Python reference.
 *
 *   node bench/trainer/step.ts --backend tensorflow --layers 6 --d-model 384 --heads 6 --vocab 4096 --context 128 \
 *     --batch 8 --steps 10 --warmup 3 --threads 2
 */
import { parseArgs } from 'node:util';
import { hash32 } from '../../operators/planner/index.ts';
import { BACKEND_CHOICES, backendCapabilities, selectBackend } from '../../trainers/backend/index.ts';
import type { Batch } from '../../trainers/batch.ts';
import { Gpt2 } from '../../trainers/model/gpt2.ts';
import { initGpt2Weights } from '../../trainers/model/init.ts';
import { parameterCount } from '../../trainers/model/shape.ts';
import { AdamW, ADAMW_DEFAULTS } from '../../trainers/optim/adamw.ts';
import { trainStep } from '../../trainers/step.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'tensorflow' }, layers: { type: 'string', default: '2' }, 'd-model': { type: 'string', default: '128' },
    heads: { type: 'string', default: '4' }, vocab: { type: 'string', default: '2048' }, context: { type: 'string', default: '64' },
    batch: { type: 'string', default: '16' }, steps: { type: 'string', default: '20' }, warmup: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' }, seed: { type: 'string', default: '0' },
  },
});
const n = (key: keyof typeof values): number => Number(values[key]);
const shape = { vocabSize: n('vocab'), context: n('context'), dModel: n('d-model'), layers: n('layers'), heads: n('heads'), layerNormEps: 1e-5 };
const batchSize = n('batch');
const choice = BACKEND_CHOICES.find((c) => c === values.backend) ?? 'tensorflow';
const backend = await selectBackend(choice, { threads: n('threads') });
const model = new Gpt2(shape, initGpt2Weights(shape, n('seed')), { embedding: backendCapabilities(backend.name).gatherGradient ? 'gather' : 'one-hot' });
const optimizer = new AdamW(model.params, ADAMW_DEFAULTS);

function batch(step: number): Batch {
  const time = shape.context;
  const ids = new Int32Array(batchSize * time);
  const targets = new Int32Array(batchSize * time);
  for (let i = 0; i < ids.length; i++) ids[i] = hash32(n('seed'), step, i) % shape.vocabSize;
  for (let i = 0; i < ids.length; i++) targets[i] = hash32(n('seed'), step, i + 1) % shape.vocabSize;
  return { rows: batchSize, ids, time, targets, weights: new Float32Array(ids.length).fill(1), lossTokens: ids.length, tokens: ids.length };
}

const tokensPerStep = batchSize * shape.context;
const perSecond: number[] = [];
let lastLoss = Number.NaN;
for (let step = 0; step < n('warmup') + n('steps'); step++) {
  const b = batch(step);
  const began = performance.now();
  const result = trainStep(model, optimizer, [b], 1e-4, 1.0);
  lastLoss = (await result.loss.data())[0] ?? Number.NaN; // the host read a real loop makes every step
  result.loss.dispose();
  result.gradNorm.dispose();
  const seconds = (performance.now() - began) / 1000;
  if (step >= n('warmup')) perSecond.push(tokensPerStep / seconds);
}
perSecond.sort((a, b) => a - b);
const median = perSecond.length % 2 === 1
  ? (perSecond[(perSecond.length - 1) / 2] ?? 0)
  : ((perSecond[perSecond.length / 2 - 1] ?? 0) + (perSecond[perSecond.length / 2] ?? 0)) / 2;
process.stdout.write(`${JSON.stringify({
  name: 'trainer_step', backend: backend.name, params: parameterCount(shape), tokens_per_step: tokensPerStep,
  median_tokens_per_second: Math.round(median), steps: perSecond.length, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  last_loss: lastLoss, shape: { ...shape, batch: batchSize }, threads: n('threads'),
})}\n`);
