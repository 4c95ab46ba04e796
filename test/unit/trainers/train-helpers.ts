/** TrainOptions for trainer tests: the CLI's defaults, native TensorFlow, quiet hooks that keep what was logged. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../../trainers/options.ts';
import type { LogEntry } from '../../../trainers/state.ts';
import type { TrainHooks } from '../../../trainers/trainer.ts';

export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = 'lamini-train-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function trainOptions(dataDir: string, over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    dataDir,
    out: join(dataDir, 'checkpoints'),
    preset: 'tiny',
    overrides: {},
    gradAccum: TRAIN_DEFAULTS.gradAccum,
    follow: false,
    saveEvery: TRAIN_DEFAULTS.saveEvery,
    keep: TRAIN_DEFAULTS.keep,
    evalEvery: TRAIN_DEFAULTS.evalEvery,
    evalExamples: TRAIN_DEFAULTS.evalExamples,
    evalPermille: TRAIN_DEFAULTS.evalPermille,
    backend: 'tensorflow',
    seed: 1,
    maxGradNorm: TRAIN_DEFAULTS.maxGradNorm,
    adamw: TRAIN_DEFAULTS.adamw,
    tokenizerSample: TRAIN_DEFAULTS.tokenizerSample,
    logEvery: 1,
    ...over,
  };
}

export interface RecordingHooks extends TrainHooks {
  logs: LogEntry[];
  lines: string[];
}

export function recordingHooks(signal?: AbortSignal): RecordingHooks {
  const logs: LogEntry[] = [];
  const lines: string[] = [];
  return {
    logs,
    lines,
    say: (line) => lines.push(line),
    onLog: (entry) => logs.push(entry),
    ...(signal === undefined ? {} : { signal }),
  };
}
