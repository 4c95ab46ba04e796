/**
 * The state dict of Hugging Face's GPT2LMHeadModel: names and shapes (`gpt2TensorSpecs`), and the check that
 * turns the tensors of a user's `model.safetensors` into exactly those (`loadGpt2Weights`).
 *
 *   transformer.wte.weight [V, d]       transformer.wpe.weight [P, d]
 *   transformer.h.{i}.ln_1.weight/bias [d]
 *   transformer.h.{i}.attn.c_attn.weight [d, 3d]  .bias [3d]     Conv1D stores [in, out]
 *   transformer.h.{i}.attn.c_proj.weight [d, d]   .bias [d]
 *   transformer.h.{i}.ln_2.weight/bias [d]
 *   transformer.h.{i}.mlp.c_fc.weight [d, 4d]     .bias [4d]
 *   transformer.h.{i}.mlp.c_proj.weight [4d, d]   .bias [d]
 *   transformer.ln_f.weight/bias [d]
 *
 * Files name these with or without the `transformer.` prefix (the original GPT-2 files have none), may carry
 * the causal-mask buffers `attn.bias` / `attn.masked_bias` (ignored), and may carry `lm_head.weight`, which
 * must equal the token embedding (an untied head is not supported).
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { ModelShape } from '../model/shape.ts';
import type { FloatTensor } from './safetensors.ts';

export interface TensorSpec {
  name: string;
  shape: number[];
}

const PREFIX = 'transformer.';
const HEAD = 'lm_head.weight';
const BUFFER = /^(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)$/;

/** Every parameter of GPT2LMHeadModel with a tied head, in state-dict order. */
export function gpt2TensorSpecs(shape: Pick<ModelShape, 'vocabSize' | 'context' | 'dModel' | 'layers'>): TensorSpec[] {
  const d = shape.dModel;
  const specs: TensorSpec[] = [
    { name: 'transformer.wte.weight', shape: [shape.vocabSize, d] },
    { name: 'transformer.wpe.weight', shape: [shape.context, d] },
  ];
  for (let i = 0; i < shape.layers; i++) {
    const at = `transformer.h.${i}`;
    specs.push(
      { name: `${at}.ln_1.weight`, shape: [d] },
      { name: `${at}.ln_1.bias`, shape: [d] },
      { name: `${at}.attn.c_attn.weight`, shape: [d, 3 * d] },
      { name: `${at}.attn.c_attn.bias`, shape: [3 * d] },
      { name: `${at}.attn.c_proj.weight`, shape: [d, d] },
      { name: `${at}.attn.c_proj.bias`, shape: [d] },
      { name: `${at}.ln_2.weight`, shape: [d] },
      { name: `${at}.ln_2.bias`, shape: [d] },
      { name: `${at}.mlp.c_fc.weight`, shape: [d, 4 * d] },
      { name: `${at}.mlp.c_fc.bias`, shape: [4 * d] },
      { name: `${at}.mlp.c_proj.weight`, shape: [4 * d, d] },
      { name: `${at}.mlp.c_proj.bias`, shape: [d] },
    );
  }
  specs.push({ name: 'transformer.ln_f.weight', shape: [d] }, { name: 'transformer.ln_f.bias', shape: [d] });
  return specs;
}

/** The attention-mask buffers some files carry: not weights, never read (use as `readSafetensors`' filter). */
export function isGpt2Buffer(name: string): boolean {
  return BUFFER.test(name);
}

/**
 * The file's tensors under their canonical names (with the `transformer.` prefix), checked against `shape`.
 * Data arrays are the caller's (not copied). `file` names the source in errors.
 */
export function loadGpt2Weights(
  tensors: ReadonlyMap<string, FloatTensor>,
  shape: Pick<ModelShape, 'vocabSize' | 'context' | 'dModel' | 'layers'>,
  file = 'model.safetensors',
): Map<string, FloatTensor> {
  const byName = new Map<string, { name: string; tensor: FloatTensor }>();
  let head: FloatTensor | undefined;
  for (const [name, tensor] of tensors) {
    if (isGpt2Buffer(name)) continue;
    if (name === HEAD) {
      head = tensor;
      continue;
    }
    const canonical = name.startsWith(PREFIX) ? name : PREFIX + name;
    if (byName.has(canonical)) throw mismatch(file, `holds ${canonical} twice, with and without the "${PREFIX}" prefix`);
    byName.set(canonical, { name, tensor });
  }
  const out = new Map<string, FloatTensor>();
  for (const spec of gpt2TensorSpecs(shape)) {
    const tensor = byName.get(spec.name)?.tensor;
    if (tensor === undefined) throw mismatch(file, `has no tensor ${spec.name} (nor ${spec.name.slice(PREFIX.length)})`);
    if (!sameShape(tensor.shape, spec.shape)) {
      throw mismatch(file, `tensor ${spec.name} has shape [${tensor.shape.join(', ')}], config.json says [${spec.shape.join(', ')}]`);
    }
    out.set(spec.name, { shape: [...spec.shape], data: tensor.data });
    byName.delete(spec.name);
  }
  if (byName.size > 0) {
    const names = [...byName.values()].map((v) => v.name);
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length} in all)` : '');
    throw mismatch(file, `has tensors GPT2LMHeadModel of this config does not: ${shown}`);
  }
  if (head !== undefined) checkTiedHead(head, out.get('transformer.wte.weight'), file);
  return out;
}

function checkTiedHead(head: FloatTensor, wte: FloatTensor | undefined, file: string): void {
  const tied = wte !== undefined && sameShape(head.shape, wte.shape) && head.data.length === wte.data.length &&
    head.data.every((v, i) => Object.is(v, wte.data[i]));
  if (!tied) throw mismatch(file, `${HEAD} differs from transformer.wte.weight; untied output heads are not supported`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function mismatch(file: string, problem: string): LaminiError {
  return new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `${file} ${problem}`, { details: { file } });
}
