/**
 * Fresh T5 weights, as Hugging Face's `T5PreTrainedModel._init_weights` draws them (f = initializer_factor,
 * d = d_model, d_kv the head size, H heads, F = d_ff), all normal with mean 0:
 *
 *   shared, lm_head (untied)                   std f
 *   SelfAttention / EncDecAttention q          std f·(d·d_kv)^-½      k, v: std f·d^-½      o: std f·(H·d_kv)^-½
 *   relative_attention_bias                    std f·d^-½
 *   DenseReluDense wi, wi_0, wi_1              std f·d^-½            wo: std f·F^-½
 *   layer norms                                f (constant)
 *
 * Drawn in JavaScript from a seeded generator (model/init.ts), so a seed gives the same weights on every backend.
 */
import { hash32 } from '../../operators/planner/index.ts';
import type { FloatTensor } from '../checkpoint/safetensors.ts';
import type { T5Config } from '../checkpoint/t5-config.ts';
import { t5TensorSpecs } from '../checkpoint/t5-tensors.ts';
import { fillNormal } from './init.ts';

export function initT5Weights(config: T5Config, seed: number): Map<string, FloatTensor> {
  const weights = new Map<string, FloatTensor>();
  t5TensorSpecs(config).forEach(({ name, shape }, index) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const std = initialStd(name, config);
    if (std === undefined) data.fill(config.initializerFactor);
    else fillNormal(data, std, hash32(seed, index));
    weights.set(name, { shape, data });
  });
  return weights;
}

/** The standard deviation of a parameter, or undefined for a norm weight (a constant). */
export function initialStd(name: string, config: T5Config): number | undefined {
  const f = config.initializerFactor;
  const d = config.dModel;
  if (name.endsWith('layer_norm.weight')) return undefined;
  if (name === 'shared.weight' || name === 'lm_head.weight') return f;
  if (name.endsWith('relative_attention_bias.weight')) return f * d ** -0.5;
  if (name.endsWith('.q.weight')) return f * (d * config.dKv) ** -0.5;
  if (name.endsWith('.o.weight')) return f * (config.numHeads * config.dKv) ** -0.5;
  if (name.endsWith('.wo.weight')) return f * config.dFf ** -0.5;
  return f * d ** -0.5;
}
