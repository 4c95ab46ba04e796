/**
 * Tokens per second (encoder + decoder positions) of one training step of our encoder-decoder student (T5 v1.1:
 * gated GELU, untied head; forward, backward, clipping, AdamW) with the shape, data and hyperparameters of
 * bench/trainer/t5_step.py: seeded random ids, every decoder position counted, lr 1e-4. One JSON line with the
 * median over the timed steps and the peak RSS; bench/trainer/t5-compare.ts runs it beside the Python reference.
 *
 *   node bench/trainer/t5-step.ts --layers 4 --d-model 256 --d-kv 32 --heads 8 --d-ff 1024 --vocab 4096 \
 *     --source 128 --target 64 --batch 8 --steps 8 --warmup 3 --threads 2
 */
import { parseArgs } from 'node:util';
import { hash32 } from '../../operators/planner/index.ts';
import { selectBackend } from '../../trainers/backend/index.ts';
import type { T5Config } from '../../trainers/checkpoint/index.ts';
import { t5ParameterCount } from '../../trainers/checkpoint/index.ts';
import { T5 } from '../../trainers/model/t5.ts';
import { initT5Weights } from '../../trainers/model/t5-init.ts';
import { AdamW, ADAMW_DEFAULTS } from '../../trainers/optim/adamw.ts';
import type { Seq2SeqBatch } from '../../trainers/seq2seq-batch.ts';
import { trainStep } from '../../trainers/step.ts';

const keys = ['layers', 'd-model', 'd-kv', 'heads', 'd-ff', 'vocab', 'source', 'target', 'batch', 'steps', 'warmup', 'threads', 'seed'] as const;
const defaults = [4, 256, 32, 8, 1024, 4096, 128, 64, 8, 8, 3, 2, 0];
const { values } = parseArgs({ options: Object.fromEntries(keys.map((k, i) => [k, { type: 'string', default: String(defaults[i]) }])) });
const n = (key: (typeof keys)[number]): number => Number(values[key]);
const config: T5Config = {
  vocabSize: n('vocab'), dModel: n('d-model'), dKv: n('d-kv'), dFf: n('d-ff'), numLayers: n('layers'), numDecoderLayers: n('layers'),
  numHeads: n('heads'), relativeAttentionNumBuckets: 32, relativeAttentionMaxDistance: 128, dropoutRate: 0, layerNormEps: 1e-6,
  feedForwardProj: 'gated-gelu', tieWordEmbeddings: false, initializerFactor: 1, padTokenId: 0, eosTokenId: 1, decoderStartTokenId: 0,
};
const backend = await selectBackend('tensorflow', { threads: n('threads') });
const model = new T5(config, initT5Weights(config, n('seed')), { embedding: 'gather' });
const optimizer = new AdamW(model.params, ADAMW_DEFAULTS);
const [rows, source, target] = [n('batch'), n('source'), n('target')];
const ids = (step: number, salt: number, count: number): Int32Array => Int32Array.from({ length: count }, (_, i) => hash32(n('seed'), step, salt, i) % config.vocabSize);

function batch(step: number): Seq2SeqBatch {
  const dec = ids(step, 2, rows * (target + 1));
  const decoderIds = new Int32Array(rows * target);
  const targets = new Int32Array(rows * target);
  for (let r = 0; r < rows; r++) {
    for (let t = 0; t < target; t++) {
      decoderIds[r * target + t] = dec[r * (target + 1) + t] ?? 0;
      targets[r * target + t] = dec[r * (target + 1) + t + 1] ?? 0;
    }
  }
  return {
    rows, encoderIds: ids(step, 1, rows * source), encoderTime: source, encoderMask: new Float32Array(rows * source).fill(1),
    decoderIds, decoderTime: target, targets, weights: new Float32Array(rows * target).fill(1), lossTokens: rows * target, tokens: rows * (source + target),
  };
}

const tokensPerStep = rows * (source + target);
const perSecond: number[] = [];
const losses: number[] = [];
for (let step = 0; step < n('warmup') + n('steps'); step++) {
  const b = batch(step % 4);
  const began = performance.now();
  const result = trainStep(model, optimizer, [b], 1e-4, 1.0);
  losses.push((await result.loss.data())[0] ?? Number.NaN);
  result.loss.dispose();
  result.gradNorm.dispose();
  if (step >= n('warmup')) perSecond.push(tokensPerStep / ((performance.now() - began) / 1000));
}
perSecond.sort((a, b) => a - b);
const mid = perSecond.length / 2;
const median = perSecond.length % 2 === 1 ? (perSecond[Math.floor(mid)] ?? 0) : ((perSecond[mid - 1] ?? 0) + (perSecond[mid] ?? 0)) / 2;
process.stdout.write(`${JSON.stringify({
  name: 'trainer_t5_step', backend: backend.name, params: t5ParameterCount(config), tokens_per_step: tokensPerStep,
  median_tokens_per_second: Math.round(median), steps: perSecond.length, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  loss_first: losses[0], loss_last: losses.at(-1), threads: n('threads'),
})}\n`);
