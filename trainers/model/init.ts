/**
 * Fresh GPT-2 weights, as Hugging Face initialises GPT2LMHeadModel: every matrix and embedding from N(0, 0.02),
 * the residual projections (`attn.c_proj`, `mlp.c_proj`) from N(0, 0.02 / sqrt(2 × layers)), biases 0, layer-norm
 * gains 1. Drawn in JavaScript from a seeded generator, so a seed gives the same weights on every backend.
 */
import { hash32 } from '../../operators/planner/index.ts';
import { gpt2TensorSpecs } from '../checkpoint/gpt2-tensors.ts';
import type { FloatTensor } from '../checkpoint/safetensors.ts';
import type { ModelShape } from './shape.ts';

const STD = 0.02;

export function initGpt2Weights(shape: ModelShape, seed: number): Map<string, FloatTensor> {
  const weights = new Map<string, FloatTensor>();
  gpt2TensorSpecs(shape).forEach(({ name, shape: dims }, index) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith('.weight') && dims.length === 1) data.fill(1); // layer-norm gain
    else if (dims.length > 1) {
      const std = name.endsWith('c_proj.weight') ? STD / Math.sqrt(2 * shape.layers) : STD;
      fillNormal(data, std, hash32(seed, index));
    }
    weights.set(name, { shape: dims, data });
  });
  return weights;
}

/** Box–Muller over a small counter-free generator (sfc32) seeded from one 32-bit value. */
export function fillNormal(out: Float32Array, std: number, seed: number): void {
  let a = seed | 0;
  let b = 0x9e3779b9;
  let c = 0x243f6a88;
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return ((t >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next())) * std;
    const theta = 2 * Math.PI * next();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
}
