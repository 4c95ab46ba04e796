/**
 * `trainer_state.json`: what the trainer keeps beside the Hugging Face files of a checkpoint so that a resumed run
 * takes exactly the steps an uninterrupted one would have: the step, the stream cursor, the schedule, the batch
 * settings and the optimizer's settings (its moments are in `optimizer.safetensors`), plus the logged history
 * that reports draw loss curves from. Versioned; an unknown version or a malformed field is a one-line error.
 */
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { parseCursor, type Cursor } from './data/index.ts';
import type { AdamWConfig } from './optim/adamw.ts';
import type { Schedule } from './optim/schedule.ts';

export const TRAINER_STATE_FORMAT = 'lamini-trainer-state';
export const TRAINER_STATE_VERSION = 1;

export interface LogEntry {
  step: number;
  /** Mean loss per response token over the step's effective batch (nats); absent at step 0 (before training). */
  loss?: number;
  eval_loss?: number;
  lr: number;
  grad_norm: number;
  tokens_per_second: number;
  /** Examples trained on so far. */
  examples: number;
  epoch: number;
  time: string;
}

export interface TrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  version: typeof TRAINER_STATE_VERSION;
  /** Optimizer steps taken. */
  step: number;
  /** The last step of the run, or null while following a growing corpus without `--steps`. */
  total_steps: number | null;
  cursor: Cursor;
  schedule: Schedule;
  batch_size: number;
  grad_accum: number;
  max_grad_norm: number;
  optimizer: { name: 'adamw' } & AdamWConfig;
  /** Seed of the initial weights and of the stream. */
  seed: number;
  /** The Hugging Face folder the student started from, or null when trained from scratch. */
  init: string | null;
  /** Encoder-decoder students: the longest encoder input and decoder target (absent for decoder-only ones). */
  window?: number;
  examples_seen: number;
  tokens_seen: number;
  history: LogEntry[];
}

export function parseTrainerState(raw: Record<string, unknown>, source: string): TrainerState {
  const bad = (what: string): LaminiError =>
    new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${source}: ${what}`, { details: { source } });
  if (raw['format'] !== TRAINER_STATE_FORMAT) throw bad(`not a lamini trainer state (format ${JSON.stringify(raw['format'])})`);
  if (raw['version'] !== TRAINER_STATE_VERSION) {
    throw bad(`trainer state version ${JSON.stringify(raw['version'])} is not known (this trainer reads ${TRAINER_STATE_VERSION})`);
  }
  const int = (key: string, min = 0): number => {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw bad(`${key} must be an integer >= ${min}`);
    return v;
  };
  const num = (value: unknown, key: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${key} must be a number`);
    return value;
  };
  const obj = (key: string): Record<string, unknown> => {
    const v = raw[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${key} must be an object`);
    return Object.fromEntries(Object.entries(v));
  };
  const total = raw['total_steps'];
  if (total !== null && (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1)) throw bad('total_steps must be null or an integer >= 1');
  const s = obj('schedule');
  const schedTotal = s['total'];
  if (schedTotal !== null && typeof schedTotal !== 'number') throw bad('schedule.total must be null or a number');
  const o = obj('optimizer');
  if (o['name'] !== 'adamw') throw bad(`optimizer ${JSON.stringify(o['name'])} is not known`);
  const init = raw['init'];
  if (init !== null && typeof init !== 'string') throw bad('init must be null or a path');
  const history = raw['history'];
  if (!Array.isArray(history)) throw bad('history must be a list');
  let cursor: Cursor;
  try {
    cursor = parseCursor(raw['cursor']);
  } catch (error) {
    throw bad(`cursor: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step: int('step'),
    total_steps: total,
    cursor,
    schedule: {
      peak: num(s['peak'], 'schedule.peak'),
      warmup: num(s['warmup'], 'schedule.warmup'),
      total: schedTotal,
      minRatio: num(s['minRatio'], 'schedule.minRatio'),
    },
    batch_size: int('batch_size', 1),
    grad_accum: int('grad_accum', 1),
    max_grad_norm: num(raw['max_grad_norm'], 'max_grad_norm'),
    optimizer: {
      name: 'adamw',
      beta1: num(o['beta1'], 'optimizer.beta1'),
      beta2: num(o['beta2'], 'optimizer.beta2'),
      epsilon: num(o['epsilon'], 'optimizer.epsilon'),
      weightDecay: num(o['weightDecay'], 'optimizer.weightDecay'),
    },
    seed: int('seed'),
    init,
    examples_seen: int('examples_seen'),
    tokens_seen: int('tokens_seen'),
    history: history.filter(isLogEntry),
    ...(raw['window'] === undefined ? {} : { window: int('window', 1) }),
  };
}

function isLogEntry(value: unknown): value is LogEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = Object.fromEntries(Object.entries(value));
  return typeof e['step'] === 'number' && typeof e['lr'] === 'number';
}

/** The state as the JSON object a checkpoint stores. */
export function trainerStateJson(state: TrainerState): Record<string, unknown> {
  return Object.fromEntries(Object.entries(state));
}
