/** `lamini train`: flags → TrainOptions, then the trainer, with a progress line or JSON lines. */
import { basename, join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { ARCHES, isStudentPresetName, presetArch, STUDENT_PRESET_NAMES, type Arch } from '../../trainers/presets.ts';
import { TRAIN_DEFAULTS, type TrainOptions } from '../../trainers/options.ts';
import type { LogEntry } from '../../trainers/state.ts';
import { train } from '../../trainers/trainer.ts';
import { jsonLogger, serveMetrics, textLogger } from '../../observability/index.ts';
import { backendOption, intOption, logFormatOption, metricsPortOption, numberOption, OBSERVABILITY_OPTIONS, parse, stringOption, type Parsed } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';
import { trapInterrupt } from './run-setup.ts';

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    preset: { type: 'string' }, arch: { type: 'string' }, init: { type: 'string' }, steps: { type: 'string' }, epochs: { type: 'string' },
    follow: { type: 'boolean' }, 'save-every': { type: 'string' }, keep: { type: 'string' }, out: { type: 'string' },
    backend: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' },
    layers: { type: 'string' }, 'd-model': { type: 'string' }, heads: { type: 'string' }, context: { type: 'string' },
    'vocab-size': { type: 'string' }, 'batch-size': { type: 'string' }, 'grad-accum': { type: 'string' },
    lr: { type: 'string' }, warmup: { type: 'string' }, 'eval-every': { type: 'string' }, 'eval-examples': { type: 'string' },
    'eval-percent': { type: 'string' }, threads: { type: 'string' }, 'log-every': { type: 'string' },
    ...OBSERVABILITY_OPTIONS,
  }, 'train');
  if (values.help === true) {
    process.stdout.write(`${HELP['train']}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini train --help")`);
  const options = trainOptions(values);
  const json = values.json === true;
  const jsonLog = logFormatOption(values) === 'json' ? jsonLogger({ command: 'train' }) : undefined;
  const logger = jsonLog ?? textLogger((line) => process.stderr.write(`${line}\n`));
  const served = await serveMetrics(metricsPortOption(values), logger);
  const metrics = served.metrics?.train(options.init === undefined ? options.preset : basename(options.init));
  const interrupt = trapInterrupt(() => logger.info('lamini: stopping after this step (a checkpoint is saved)'));
  try {
    const result = await train(options, {
      say: (line) => logger.info(line),
      onLog: (entry, progress) => {
        metrics?.log(entry);
        if (json) process.stdout.write(`${JSON.stringify(entry)}\n`);
        if (jsonLog !== undefined) jsonLog.info('step', { ...entry, total_steps: progress.total, eta_s: progress.etaSeconds });
        else if (!json) process.stderr.write(`${progressLine(entry, progress.total, progress.etaSeconds)}\n`);
      },
      signal: interrupt.signal,
    });
    const why = { steps: 'reached the last step', 'end-of-data': 'the corpus passes are done', signal: 'stopped' }[result.stoppedBy];
    const saved = result.checkpoint === undefined ? '; nothing new to save' : `; checkpoint ${result.checkpoint}`;
    logger.info(`lamini: ${why} at step ${result.step}${saved}`, { stopped_by: result.stoppedBy, step: result.step, checkpoint: result.checkpoint ?? null });
    return result.stoppedBy === 'signal' ? 130 : 0;
  } finally {
    interrupt.release();
    await served.close();
  }
}

function trainOptions(values: Parsed['values']): TrainOptions {
  const config = configFrom(values);
  const arch = archOption(stringOption(values, 'arch'));
  const preset = stringOption(values, 'preset') ?? (arch === 'encoder-decoder' ? 't5-tiny' : 'tiny');
  if (!isStudentPresetName(preset)) {
    throw new LaminiError(ErrorCodes.USAGE, `--preset must be one of ${STUDENT_PRESET_NAMES.join(', ')}; got "${preset}"`);
  }
  if (arch !== undefined && stringOption(values, 'init') === undefined && presetArch(preset) !== arch) {
    throw new LaminiError(ErrorCodes.USAGE, `--preset ${preset} is ${presetArch(preset)}, not --arch ${arch}`);
  }
  const backend = backendOption(values);
  const options: TrainOptions = {
    dataDir: config.dataDir,
    out: stringOption(values, 'out') ?? join(config.dataDir, 'checkpoints'),
    preset,
    overrides: {
      layers: intOption(values, 'layers', 1), dModel: intOption(values, 'd-model', 1), heads: intOption(values, 'heads', 1),
      context: intOption(values, 'context', 2), vocabSize: intOption(values, 'vocab-size', 257),
    },
    gradAccum: intOption(values, 'grad-accum', 1) ?? TRAIN_DEFAULTS.gradAccum,
    follow: values.follow === true,
    saveEvery: intOption(values, 'save-every', 1) ?? TRAIN_DEFAULTS.saveEvery,
    keep: intOption(values, 'keep', 1) ?? TRAIN_DEFAULTS.keep,
    evalEvery: intOption(values, 'eval-every', 1) ?? TRAIN_DEFAULTS.evalEvery,
    evalExamples: intOption(values, 'eval-examples', 0) ?? TRAIN_DEFAULTS.evalExamples,
    evalPermille: percentToPermille(stringOption(values, 'eval-percent')) ?? TRAIN_DEFAULTS.evalPermille,
    backend,
    seed: intOption(values, 'seed', 0) ?? TRAIN_DEFAULTS.seed,
    maxGradNorm: TRAIN_DEFAULTS.maxGradNorm,
    adamw: TRAIN_DEFAULTS.adamw,
    tokenizerSample: TRAIN_DEFAULTS.tokenizerSample,
    logEvery: intOption(values, 'log-every', 1) ?? TRAIN_DEFAULTS.logEvery,
  };
  const set = <K extends keyof TrainOptions>(key: K, value: TrainOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  set('arch', arch);
  set('batchSize', intOption(values, 'batch-size', 1));
  set('init', stringOption(values, 'init'));
  set('steps', intOption(values, 'steps', 1));
  set('epochs', intOption(values, 'epochs', 1));
  set('learningRate', numberOption(values, 'lr'));
  set('warmup', intOption(values, 'warmup', 0));
  set('threads', intOption(values, 'threads', 1));
  return options;
}

function archOption(raw: string | undefined): Arch | undefined {
  if (raw === undefined) return undefined;
  const arch = ARCHES.find((a) => a === raw);
  if (arch === undefined) throw new LaminiError(ErrorCodes.USAGE, `--arch must be ${ARCHES.join(' or ')}, got "${raw}"`);
  return arch;
}

function percentToPermille(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const permille = Math.round(n * 10);
  if (raw.trim() === '' || !Number.isFinite(n) || Math.abs(permille - n * 10) > 1e-9 || permille < 0 || permille >= 1000) {
    throw new LaminiError(ErrorCodes.USAGE, `--eval-percent must be a number from 0 to 99.9 in steps of 0.1, got "${raw}"`);
  }
  return permille;
}

export function progressLine(e: LogEntry, total: number | null, etaSeconds: number | null): string {
  const parts = [
    `step ${e.step}${total === null ? '' : `/${total}`}`,
    ...(e.loss === undefined ? [] : [`loss ${e.loss.toFixed(4)}`]),
    ...(e.eval_loss === undefined ? [] : [`eval ${e.eval_loss.toFixed(4)}`]),
    `lr ${e.lr.toExponential(2)}`,
    `${Math.round(e.tokens_per_second).toLocaleString('en-US')} tok/s`,
    `epoch ${e.epoch}`,
    ...(etaSeconds === null ? [] : [`ETA ${duration(etaSeconds)}`]),
  ];
  return parts.join('  ');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
