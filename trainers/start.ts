/**
 * The family-dependent choices at the start of a run: which family (the preset's, `--arch`, or the --init
 * folder's, and they must agree), the encoder-decoder window, a from-scratch student of the preset's sizes with
 * the shape flags laid over them, the check that a resumed run's flags agree with its checkpoint, and the memory
 * estimate of the model a run is about to build (memory.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { parseGpt2ConfigText, parseT5ConfigText, readModelType, type CheckpointArch, type T5Config } from './checkpoint/index.ts';
import { estimateTrainingMemory, gpt2MemoryShape, t5MemoryShape, type MemoryEstimate, type MemoryRun, type MemoryShape } from './memory.ts';
import type { TrainRow } from './data/index.ts';
import { requestedShape, type ShapeOverrides, type TrainOptions } from './options.ts';
import { isDecoderPreset, presetArch, T5_STUDENT_PRESETS, T5_WINDOW, type Arch } from './presets.ts';
import type { AnyStudent } from './runtime.ts';
import { studentFromScratch } from './student.ts';
import { t5StudentFromScratch } from './student-t5.ts';

/** The family of a run: --init's folder when given, else the preset's; --arch must agree with it. */
export function studentArch(options: Pick<TrainOptions, 'arch' | 'preset' | 'init'>, initType?: CheckpointArch): Arch {
  const arch: Arch = initType === undefined ? presetArch(options.preset) : initType === 'gpt2' ? 'decoder-only' : 'encoder-decoder';
  if (options.arch !== undefined && options.arch !== arch) {
    const why = initType === undefined ? `preset ${options.preset} is ${arch}` : `${options.init} holds a ${initType} model (${arch})`;
    throw new LaminiError(ErrorCodes.USAGE, `--arch ${options.arch} does not match: ${why}`);
  }
  return arch;
}

/** Encoder-decoder window: --context, else the preset's, else T5's 512. */
export function studentWindow(options: Pick<TrainOptions, 'preset' | 'overrides'>): number {
  if (options.overrides.context !== undefined) return options.overrides.context;
  return isDecoderPreset(options.preset) ? T5_WINDOW : T5_STUDENT_PRESETS[options.preset].window;
}

export function studentFromScratchFor(options: TrainOptions, sample: readonly TrainRow[]): AnyStudent {
  const arch = studentArch(options);
  const { preset } = options;
  if (isDecoderPreset(preset)) return { arch: 'decoder-only', student: studentFromScratch(requestedShape(preset, options.overrides), sample, options.seed) };
  const shape = t5Shape(T5_STUDENT_PRESETS[preset].config, options.overrides);
  if (arch !== 'encoder-decoder') throw new LaminiError(ErrorCodes.INTERNAL, `preset ${preset} is not ${arch}`);
  return { arch, student: t5StudentFromScratch(shape, sample, options.seed), window: studentWindow(options) };
}

/** A T5 preset with the shape flags laid over it (--layers sets both stacks). */
function t5Shape(base: T5Config, o: ShapeOverrides): T5Config {
  return {
    ...base,
    ...(o.layers === undefined ? {} : { numLayers: o.layers, numDecoderLayers: o.layers }),
    ...(o.dModel === undefined ? {} : { dModel: o.dModel }),
    ...(o.heads === undefined ? {} : { numHeads: o.heads }),
    ...(o.vocabSize === undefined ? {} : { vocabSize: o.vocabSize }),
  };
}

/** A resumed run keeps its checkpoint's model; an explicit flag that disagrees is an error, not a silent change. */
export function checkResumable(options: TrainOptions, any: AnyStudent, dir: string): void {
  const o = options.overrides;
  const clashes: string[] = [];
  const clash = (flag: string, asked: number | undefined, has: number): void => {
    if (asked !== undefined && asked !== has) clashes.push(`${flag} ${asked} (checkpoint ${has})`);
  };
  if (options.arch !== undefined && options.arch !== any.arch) clashes.push(`--arch ${options.arch} (checkpoint ${any.arch})`);
  if (any.arch === 'decoder-only') {
    const c = any.student.config;
    clash('--layers', o.layers, c.layers);
    clash('--d-model', o.dModel, c.dModel);
    clash('--heads', o.heads, c.heads);
    clash('--context', o.context, c.context);
  } else {
    const c = any.student.config;
    clash('--layers', o.layers, c.numLayers);
    clash('--d-model', o.dModel, c.dModel);
    clash('--heads', o.heads, c.numHeads);
    clash('--context', o.context, any.window);
  }
  const { tokenizer } = any.student;
  const vocab = any.student.config.vocabSize;
  if (tokenizer.vocabSize > vocab) clashes.push(`tokenizer.json has ${tokenizer.vocabSize} tokens, the model ${vocab}`);
  if (clashes.length > 0) {
    throw new LaminiError(ErrorCodes.CHECKPOINT_MISMATCH, `cannot resume from ${dir}: ${clashes.join('; ')}; use another --out to start a new run`, {
      details: { dir },
    });
  }
}

/** The model a run will train, for the memory estimate before anything big is loaded: from config.json or the preset. */
export interface PlannedMemory {
  estimate: MemoryEstimate;
  shape: MemoryShape;
  run: MemoryRun;
  what: string;
}

export async function plannedMemory(options: TrainOptions, batchSize: number, resumeDir: string | undefined): Promise<PlannedMemory> {
  const from = resumeDir ?? options.init;
  const base = { batchSize, gradAccum: options.gradAccum };
  const plan = (shape: MemoryShape, sourceTokens: number, targetTokens: number, what: string): PlannedMemory => {
    const run = { ...base, sourceTokens, targetTokens };
    return { estimate: estimateTrainingMemory(shape, run), shape, run, what };
  };
  const window = studentWindow(options);
  if (from !== undefined) {
    const file = join(from, 'config.json');
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `cannot read ${file}`, { cause: error, details: { file } });
    });
    const what = `the model in ${from} at ${batchSize} examples a pass`;
    if ((await readModelType(from)) === 'gpt2') {
      const c = parseGpt2ConfigText(text, file);
      return plan(gpt2MemoryShape(c), 0, c.context, what);
    }
    return plan(t5MemoryShape(parseT5ConfigText(text, file)), window, window, what);
  }
  const { preset } = options;
  const what = `preset ${preset} at ${batchSize} examples a pass`;
  if (isDecoderPreset(preset)) {
    const shape = requestedShape(preset, options.overrides);
    return plan(gpt2MemoryShape(shape), 0, shape.context, what);
  }
  return plan(t5MemoryShape(t5Shape(T5_STUDENT_PRESETS[preset].config, options.overrides)), window, window, what);
}
