/**
 * What every command that runs the pipeline in this process sets up the same way (`lamini run`, and
 * `lamini dlq replay` on the embedded transport): the teacher's flags, the seed pool, Ctrl-C. `lamini
 * operator` shares the seed pool and Ctrl-C; its flags are its own (no stall timeout or batch mode).
 */
import type { Config } from '../../common/config.ts';
import { loadSeedPool } from '../../seeds/index.ts';
import type { Seed } from '../../schemas/types.ts';
import { intOption, roleTeacherFlags, ROLE_TEACHER_OPTIONS, stringOption, type Options, type Parsed } from '../args.ts';

/** Flags naming the teacher and the run's limits. */
export const TEACHER_FLAGS: Options = {
  'teacher-url': { type: 'string' }, model: { type: 'string' }, ...ROLE_TEACHER_OPTIONS, concurrency: { type: 'string' },
  'stall-timeout': { type: 'string' }, 'teacher-mode': { type: 'string' }, 'no-default-seeds': { type: 'boolean' },
};

/** The config keys TEACHER_FLAGS set (undefined: not given, the config file or environment decides). */
export function teacherFlagConfig(values: Parsed['values']): Record<string, unknown> {
  const stall = intOption(values, 'stall-timeout', 1);
  return {
    'teacher.baseUrl': stringOption(values, 'teacher-url'),
    'teacher.model': stringOption(values, 'model'),
    ...roleTeacherFlags(values),
    'teacher.mode': stringOption(values, 'teacher-mode'),
    'teacher.concurrency': intOption(values, 'concurrency', 1),
    'run.stallTimeoutMs': stall === undefined ? undefined : stall * 1000,
    useDefaultSeeds: values['no-default-seeds'] === true ? false : undefined,
  };
}

/** The seed pool of the data dir (and the shipped seeds unless turned off); rejected files are logged. */
export async function loadRunSeeds(config: Config, log: (line: string) => void): Promise<Seed[]> {
  const pool = await loadSeedPool(config.dataDir, { includeDefaults: config.useDefaultSeeds });
  for (const r of pool.rejected) log(`seed pool: ${r.file}: ${r.message} [${r.reason}]`);
  return pool.seeds;
}

/** Aborts the returned signal on SIGINT or SIGTERM (after `onSignal`) until `release()`; `by` names the signal. */
export function trapInterrupt(onSignal: () => void = () => {}): { signal: AbortSignal; readonly by: NodeJS.Signals | undefined; release(): void } {
  const stop = new AbortController();
  let by: NodeJS.Signals | undefined;
  const handler = (name: NodeJS.Signals): void => {
    by ??= name;
    onSignal();
    stop.abort();
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    signal: stop.signal,
    get by() {
      return by;
    },
    release() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
