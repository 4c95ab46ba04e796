/**
 * The training loop: a student (resumed from the last checkpoint under `out`, or from `--init`, or from scratch),
 * the corpus stream, and steps until the target. Each step takes `gradAccum` micro-batches from the stream,
 * accumulates their gradients, clips, and applies AdamW at the scheduled rate; every `saveEvery` steps, at the end
 * and on a stop signal it saves a checkpoint with the stream's cursor, so a resumed run sees exactly the rows, in
 * exactly the order, with exactly the optimizer state that an uninterrupted run would have.
 */
import { freemem, totalmem } from 'node:os';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { readManifest } from '../corpus/index.ts';
import { backendCapabilities, ensureBackend, selectBackend, type SelectedBackend } from './backend/index.ts';
import { latestCheckpoint, readCheckpoint, readModelType, saveCheckpoint } from './checkpoint/index.ts';
import { RowStream, evalRows, type Cursor, type NewStreamOptions, type TrainRow } from './data/index.ts';
import { AdamW, type Moments } from './optim/adamw.ts';
import { defaultWarmup, learningRate, type Schedule } from './optim/schedule.ts';
import { batchSizeOf, checkTrainOptions, peakLearningRate, TRAIN_DEFAULTS, type TrainOptions } from './options.ts';
import { makeRuntime, type AnyStudent, type PreparedBatch, type StudentRuntime } from './runtime.ts';
import { TRAINER_STATE_FORMAT, TRAINER_STATE_VERSION, parseTrainerState, trainerStateJson, type LogEntry, type TrainerState } from './state.ts';
import { evalLoss, trainStep } from './step.ts';
import { checkResumable, plannedMemory, studentArch, studentFromScratchFor, studentWindow } from './start.ts';
import { checkMemory, describeEstimate, formatBytes } from './memory.ts';
import { studentFromInit } from './student.ts';
import { t5StudentFromInit } from './student-t5.ts';
import { parseTokenizerJson, parseAnyTokenizerJson } from './tokenizer/index.ts';

export interface TrainHooks {
  /** Lines for a person: the backend, where the student came from, checkpoints. */
  say(line: string): void;
  /** Every logged step. */
  onLog(entry: LogEntry, progress: { total: number | null; etaSeconds: number | null }): void;
  /** Stops after the current step, with a checkpoint. */
  signal?: AbortSignal;
}

export interface TrainResult {
  backend: SelectedBackend;
  step: number;
  checkpoint: string | undefined;
  stoppedBy: 'steps' | 'end-of-data' | 'signal';
  lastLoss: number | undefined;
  lastEvalLoss: number | undefined;
}

interface Start {
  student: AnyStudent;
  state: TrainerState | undefined;
  moments: Moments | undefined;
  cursor: Cursor | NewStreamOptions;
}

export async function train(options: TrainOptions, hooks: TrainHooks): Promise<TrainResult> {
  checkTrainOptions(options);
  const batchSize = batchSizeOf(options);
  await ensureBackend(options.backend, { log: hooks.say });
  const backend = await selectBackend(options.backend, options.threads === undefined ? {} : { threads: options.threads });
  hooks.say(`lamini: training on ${backend.name}: ${backend.detail}`);

  const latestDir = (await latestCheckpoint(options.out))?.dir;
  const planned = await plannedMemory(options, batchSize, latestDir);
  hooks.say(`lamini: memory estimate ${describeEstimate(planned.estimate)}`);
  checkMemory(planned, options.memoryLimit ?? totalmem());
  if (planned.estimate.total > freemem()) hooks.say(`lamini: warning: that is more than the ${formatBytes(freemem())} free now`);
  const start = await startingPoint(options, batchSize, hooks);
  const stream = await RowStream.open(options.dataDir, start.cursor, {
    minTrainRows: batchSize,
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
  });
  const runtime = makeRuntime(start.student, backendCapabilities(backend.name).gatherGradient ? 'gather' : 'one-hot');
  const optimizer = new AdamW(runtime.params, options.adamw, start.moments);
  try {
    const state = start.state ?? freshState(options, stream.cursor(), batchSize, start.student);
    if (start.state !== undefined && options.steps !== undefined && options.steps !== start.state.total_steps) {
      state.total_steps = options.steps;
      state.schedule = { ...state.schedule, total: options.steps };
    }
    const evalBatches = await evalSet(options, stream.cursor(), runtime, state.batch_size);
    hooks.say(
      `lamini: ${start.state === undefined ? (options.init === undefined ? 'new student from scratch' : `finetuning ${options.init}`) : `resuming at step ${state.step}`}` +
        ` (${runtime.description}; ${(runtime.parameters / 1e6).toFixed(1)}M parameters), ${state.batch_size} × ${state.grad_accum} examples a step, ` +
        `${state.total_steps === null ? 'following the corpus' : `${state.total_steps} steps`}, ` +
        `eval on ${evalBatches.reduce((n, b) => n + b.rows, 0)} held-out examples`,
    );
    return await loop({ options, hooks, backend, stream, runtime, optimizer, state, evalBatches });
  } finally {
    await stream.close();
    optimizer.dispose();
    runtime.dispose();
  }
}

interface LoopContext {
  options: TrainOptions;
  hooks: TrainHooks;
  backend: SelectedBackend;
  stream: RowStream;
  runtime: StudentRuntime;
  optimizer: AdamW;
  state: TrainerState;
  evalBatches: PreparedBatch[];
}

async function loop(c: LoopContext): Promise<TrainResult> {
  const { options, hooks, state, runtime } = c;
  const context = runtime.window;
  let lastSaved: string | undefined;
  // A resumed run's starting step is already on disk (it is the checkpoint it resumed from).
  let savedStep = state.step;
  let lastLoss: number | undefined;
  let lastEvalLoss: number | undefined;
  let stoppedBy: TrainResult['stoppedBy'] = 'steps';
  const stepSeconds: number[] = [];
  const stopRequested = (): boolean => hooks.signal?.aborted === true;
  if (state.step === 0 && c.evalBatches.length > 0) {
    // Where the student starts: the first point of the evaluation curve.
    const before: LogEntry = {
      step: 0, eval_loss: await evalLoss(runtime, c.evalBatches), lr: 0, grad_norm: 0, tokens_per_second: 0,
      examples: 0, epoch: 0, time: new Date().toISOString(),
    };
    state.history.push(before);
    hooks.onLog(before, { total: state.total_steps, etaSeconds: null });
  }

  const save = async (): Promise<void> => {
    if (savedStep === state.step) return;
    state.cursor = c.stream.cursor();
    const parts = await runtime.checkpointParts({ trainerState: trainerStateJson(state), optimizer: (await c.optimizer.snapshot()).tensors });
    const saved = await saveCheckpoint(options.out, state.step, parts, { keep: options.keep });
    lastSaved = saved.dir;
    savedStep = state.step;
    hooks.say(`lamini: saved ${saved.dir}`);
  };

  while (state.total_steps === null || state.step < state.total_steps) {
    if (stopRequested()) {
      stoppedBy = 'signal';
      break;
    }
    const began = performance.now();
    let micro: PreparedBatch[];
    try {
      micro = await nextMicroBatches(c.stream, state, runtime);
    } catch (error) {
      if (stopRequested()) {
        stoppedBy = 'signal';
        break;
      }
      throw error;
    }
    if (micro.length === 0) {
      stoppedBy = 'end-of-data';
      break;
    }
    const examples = micro.reduce((n, b) => n + b.rows, 0);
    const tokens = micro.reduce((n, b) => n + b.tokens, 0);
    state.examples_seen += examples;
    state.tokens_seen += tokens;
    if (micro.every((b) => b.lossTokens === 0)) {
      hooks.say(`lamini: skipped ${examples} examples whose prompt fills the whole context (${context} tokens)`);
      continue;
    }
    state.step += 1;
    // Hugging Face's schedulers give update k the rate of step k − 1 (the updates taken before it).
    const lr = learningRate(state.step - 1, state.schedule);
    const result = trainStep(runtime, c.optimizer, micro, lr, state.max_grad_norm);
    const loss = (await result.loss.data())[0] ?? Number.NaN;
    const gradNorm = (await result.gradNorm.data())[0] ?? Number.NaN;
    result.loss.dispose();
    result.gradNorm.dispose();
    if (!Number.isFinite(loss)) {
      throw new LaminiError(ErrorCodes.INTERNAL, `the loss became ${loss} at step ${state.step}; lower --lr (now ${state.schedule.peak})`);
    }
    lastLoss = loss;
    const seconds = (performance.now() - began) / 1000;
    stepSeconds.push(seconds);
    const isLast = state.total_steps !== null && state.step >= state.total_steps;
    let evalValue: number | undefined;
    if (c.evalBatches.length > 0 && (state.step % options.evalEvery === 0 || isLast)) {
      evalValue = await evalLoss(runtime, c.evalBatches);
      lastEvalLoss = evalValue;
    }
    if (state.step % options.logEvery === 0 || isLast || evalValue !== undefined) {
      const entry: LogEntry = {
        step: state.step,
        loss,
        ...(evalValue === undefined ? {} : { eval_loss: evalValue }),
        lr,
        grad_norm: gradNorm,
        tokens_per_second: tokens / seconds,
        examples: state.examples_seen,
        epoch: c.stream.cursor().epoch,
        time: new Date().toISOString(),
      };
      state.history.push(entry);
      hooks.onLog(entry, { total: state.total_steps, etaSeconds: eta(stepSeconds, state) });
    }
    if (state.step % options.saveEvery === 0) await save();
  }
  const last = state.history.at(-1);
  if (stoppedBy === 'end-of-data' && c.evalBatches.length > 0 && state.step > 0 && !(last?.step === state.step && last.eval_loss !== undefined)) {
    // The data ran out before the planned last step (the plan counts rows before the split): evaluate the end too.
    lastEvalLoss = await evalLoss(runtime, c.evalBatches);
    const entry: LogEntry = {
      step: state.step, eval_loss: lastEvalLoss, lr: learningRate(state.step - 1, state.schedule), grad_norm: 0, tokens_per_second: 0,
      examples: state.examples_seen, epoch: c.stream.cursor().epoch, time: new Date().toISOString(),
    };
    state.history.push(entry);
    hooks.onLog(entry, { total: state.total_steps, etaSeconds: 0 });
  }
  if (state.step > 0) await save();
  return { backend: c.backend, step: state.step, checkpoint: lastSaved, stoppedBy, lastLoss, lastEvalLoss };
}

/**
 * `gradAccum` micro-batches; fewer (or none) only where the stream ends. One take for the whole step: a take
 * cancelled while it waits for new shards (Ctrl-C while following) leaves the cursor where the last step ended.
 */
async function nextMicroBatches(stream: RowStream, state: TrainerState, runtime: StudentRuntime): Promise<PreparedBatch[]> {
  const rows = await stream.take(state.batch_size * state.grad_accum);
  const out: PreparedBatch[] = [];
  for (let i = 0; i < rows.length; i += state.batch_size) out.push(runtime.prepare(rows.slice(i, i + state.batch_size)));
  return out;
}

async function startingPoint(options: TrainOptions, batchSize: number, hooks: TrainHooks): Promise<Start> {
  const latest = await latestCheckpoint(options.out);
  if (latest !== undefined) {
    const parts = await readCheckpoint(latest.dir);
    const state = parseTrainerState(parts.trainerState, `${latest.dir}/trainer_state.json`);
    const source = `${latest.dir}/tokenizer.json`;
    const student: AnyStudent = parts.arch === 'gpt2'
      ? { arch: 'decoder-only', student: { config: parts.config, tokenizer: parseTokenizerJson(parts.tokenizerJson, source), weights: new Map(parts.weights) } }
      : {
        arch: 'encoder-decoder', window: state.window ?? studentWindow(options),
        student: { config: parts.config, tokenizer: parseAnyTokenizerJson(parts.tokenizerJson, source), weights: new Map(parts.weights) },
      };
    checkResumable(options, student, latest.dir);
    hooks.say(`lamini: resuming from ${latest.dir}`);
    // A later --steps (without --epochs) may need more passes; adding passes at the end leaves the order of
    // every earlier one as it was.
    const needed = options.steps !== undefined && options.epochs === undefined ? ((await newStreamOptions(options, state.batch_size)).epochs ?? 1) : 1;
    return {
      student,
      state,
      moments: { step: state.step, tensors: parts.optimizer },
      cursor: { ...state.cursor, epochs: Math.max(state.cursor.epochs, needed) },
    };
  }
  const streamStart = await newStreamOptions(options, batchSize);
  if (options.init !== undefined) {
    const arch = studentArch(options, await readModelType(options.init));
    const student: AnyStudent = arch === 'decoder-only'
      ? { arch, student: await studentFromInit(options.init) }
      : { arch, student: await t5StudentFromInit(options.init), window: studentWindow(options) };
    return { student, state: undefined, moments: undefined, cursor: streamStart };
  }
  // One pass at most: the tokenizer learns from distinct rows.
  const sampler = await RowStream.open(options.dataDir, { ...streamStart, epochs: 1, follow: false }, { minTrainRows: batchSize });
  let sample: TrainRow[];
  try {
    sample = await sampler.take(options.tokenizerSample);
  } finally {
    await sampler.close();
  }
  const student = studentFromScratchFor(options, sample);
  hooks.say(`lamini: trained a ${student.student.tokenizer.vocabSize}-token byte-level BPE on ${sample.length} training examples`);
  return { student, state: undefined, moments: undefined, cursor: streamStart };
}

async function newStreamOptions(options: TrainOptions, batchSize: number): Promise<NewStreamOptions> {
  const base = { seed: options.seed, follow: options.follow, evalPermille: options.evalPermille };
  if (options.epochs !== undefined || options.steps === undefined) return { ...base, epochs: options.epochs ?? TRAIN_DEFAULTS.epochs };
  // --steps alone: as many passes as the steps need (the stream is cut at the last step).
  const rows = await trainRowsEstimate(options);
  const perStep = batchSize * options.gradAccum;
  return { ...base, epochs: Math.max(1, Math.ceil((options.steps * perStep) / Math.max(1, rows * 0.9)) + 1) };
}

async function trainRowsEstimate(options: TrainOptions): Promise<number> {
  const manifest = await readManifest(options.dataDir);
  const rows = manifest.tables.examples.shards.reduce((n, s) => n + s.rows, 0);
  return Math.floor(rows * (1 - options.evalPermille / 1000));
}

function freshState(options: TrainOptions, cursor: Cursor, batchSize: number, student: AnyStudent): TrainerState {
  let total: number | null = options.steps ?? null;
  if (total === null && !options.follow) {
    // The stream's own snapshot (not a second read of the manifest), less the held-out share.
    const rows = Math.floor(cursor.passRows * (1 - cursor.evalPermille / 1000));
    total = Math.max(1, Math.ceil((cursor.epochs * rows) / (batchSize * options.gradAccum)));
  }
  const schedule: Schedule = {
    peak: peakLearningRate(options, student.arch),
    warmup: options.warmup ?? defaultWarmup(total),
    total,
    minRatio: 0,
  };
  return {
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step: 0,
    total_steps: total,
    cursor,
    schedule,
    batch_size: batchSize,
    grad_accum: options.gradAccum,
    max_grad_norm: options.maxGradNorm,
    optimizer: { name: 'adamw', ...options.adamw },
    seed: options.seed,
    init: options.init ?? null,
    examples_seen: 0,
    tokens_seen: 0,
    history: [],
    ...(student.arch === 'encoder-decoder' ? { window: student.window } : {}),
  };
}

/** The held-out rows the stream skips: the cursor's split (a resumed run keeps its own), first in manifest order. */
async function evalSet(options: TrainOptions, cursor: Cursor, runtime: StudentRuntime, batchSize: number): Promise<PreparedBatch[]> {
  if (options.evalExamples === 0 || cursor.evalPermille === 0) return [];
  const rows = await evalRows(options.dataDir, cursor.coveredTo, { permille: cursor.evalPermille, limit: options.evalExamples });
  const batches: PreparedBatch[] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(runtime.prepare(rows.slice(i, i + batchSize)));
  return batches;
}

function eta(stepSeconds: readonly number[], state: TrainerState): number | null {
  if (state.total_steps === null || stepSeconds.length === 0) return null;
  const recent = stepSeconds.slice(-20);
  const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
  return Math.max(0, state.total_steps - state.step) * mean;
}
