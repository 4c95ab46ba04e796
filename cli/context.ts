/** What every command does first: flags and environment into a validated Config. */
import { loadConfig, type Config } from '../common/config.ts';
import { stringOption, type Parsed } from './args.ts';

export function configFrom(values: Parsed['values'], flags: Record<string, unknown> = {}): Config {
  const dataDir = stringOption(values, 'data-dir');
  const file = stringOption(values, 'config');
  return loadConfig({
    env: process.env,
    ...(file === undefined ? {} : { file }),
    flags: { ...(dataDir === undefined ? {} : { dataDir }), ...flags },
  });
}
