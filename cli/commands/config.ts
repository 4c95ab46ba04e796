/**
 * `lamini config print`: the effective configuration (defaults, file, environment, flags), every key with
 * its value and where it came from, secrets masked. `lamini config check FILE`: validates a file as the
 * commands would load it here (with the environment), runs nothing.
 */
import { invalidConfig, resolveConfig, type ConfigSources, type ResolvedConfig } from '../../common/config.ts';
import { configEntries, configEntriesJson, describeOrigin, formatConfigEntries, scrubSecrets, secretValues } from '../../common/config-sources.ts';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { intOption, parse, stringOption, type Options, type Parsed } from '../args.ts';
import { HELP } from '../help.ts';

/** The flags of the other commands that set a config key, each once: `lamini config print --model x` shows it. */
const KEY_FLAGS: ReadonlyArray<readonly [flag: string, key: string]> = [
  ['data-dir', 'dataDir'], ['run-seed', 'runSeed'], ['transport', 'transport'], ['brokers', 'brokers'],
  ['topic-prefix', 'kafka.topicPrefix'], ['partitions', 'kafka.partitions'], ['wire-format', 'kafka.wireFormat'],
  ['schema-registry', 'kafka.schemaRegistryUrl'], ['teacher-url', 'teacher.baseUrl'], ['model', 'teacher.model'],
  ['instruction-teacher-url', 'teacher.instruction.baseUrl'], ['instruction-model', 'teacher.instruction.model'],
  ['response-teacher-url', 'teacher.response.baseUrl'], ['response-model', 'teacher.response.model'],
  ['concurrency', 'teacher.concurrency'], ['teacher-mode', 'teacher.mode'], ['threshold', 'dedup.threshold'],
  ['signature', 'dedup.signature'],
];

const PRINT_OPTIONS: Options = {
  json: { type: 'boolean' }, 'stall-timeout': { type: 'string' }, 'no-default-seeds': { type: 'boolean' },
  ...Object.fromEntries(KEY_FLAGS.filter(([flag]) => flag !== 'data-dir').map(([flag]) => [flag, { type: 'string' as const }])),
};

/** The flags given, as dotted keys (strings: the config validates them) and the flag that set each. */
function flagSources(values: Parsed['values']): Pick<ConfigSources, 'flags' | 'flagNames'> {
  const flags: Record<string, unknown> = {};
  const flagNames: Record<string, string> = {};
  const set = (key: string, flag: string, value: unknown): void => {
    if (value === undefined) return;
    flags[key] = value;
    flagNames[key] = `--${flag}`;
  };
  for (const [flag, key] of KEY_FLAGS) set(key, flag, stringOption(values, flag));
  const stall = intOption(values, 'stall-timeout', 1);
  set('run.stallTimeoutMs', 'stall-timeout', stall === undefined ? undefined : stall * 1000);
  set('useDefaultSeeds', 'no-default-seeds', values['no-default-seeds'] === true ? false : undefined);
  return { flags, flagNames };
}

/** Every line that leaves this command goes through here: no secret from the config or environment. */
function writer(resolved: ResolvedConfig): (stream: NodeJS.WriteStream, text: string) => void {
  const env = [process.env.OPENAI_API_KEY, process.env.LAMINI_SCHEMA_REGISTRY_PASSWORD].filter((v): v is string => v !== undefined);
  const secrets = [...secretValues(resolved.config), ...env];
  return (stream, text) => void stream.write(scrubSecrets(text, secrets));
}

function print(argv: string[]): number {
  const { values, positionals } = parse(argv, PRINT_OPTIONS, 'config print');
  if (values.help === true) {
    process.stdout.write(`${HELP.config}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini config --help")`);
  const file = stringOption(values, 'config');
  const resolved = resolveConfig({ env: process.env, ...(file === undefined ? {} : { file }), ...flagSources(values) });
  if (resolved.issues.length > 0) throw invalidConfig(resolved.issues);
  const entries = configEntries(resolved);
  const out = writer(resolved);
  if (values.json === true) {
    out(process.stdout, `${JSON.stringify({ file: resolved.file ?? null, config: configEntriesJson(entries) }, null, 2)}\n`);
  } else {
    out(process.stdout, `# config file: ${resolved.file ?? '(none)'}\n${formatConfigEntries(entries)}`);
  }
  return 0;
}

function check(argv: string[]): number {
  const { values, positionals } = parse(argv, {}, 'config check');
  if (values.help === true) {
    process.stdout.write(`${HELP.config}\n`);
    return 0;
  }
  const file = positionals[0] ?? stringOption(values, 'config');
  if (file === undefined || positionals.length > 1) {
    throw new LaminiError(ErrorCodes.USAGE, 'config check takes one FILE (see "lamini config --help")');
  }
  // A file that cannot be read or parsed throws here: one line, exit 1 (unreadable) or 2 (not JSON/YAML).
  const resolved = resolveConfig({ env: process.env, file });
  const out = writer(resolved);
  const path = resolved.file ?? file;
  if (resolved.issues.length === 0) {
    const count = (kind: string): number => [...resolved.origins.values()].filter((o) => o.kind === kind).length;
    out(process.stdout, `${path}: valid (${count('file')} keys set by the file, ${count('env')} by the environment)\n`);
    return 0;
  }
  const n = resolved.issues.length;
  const lines = resolved.issues.map((i) => {
    const from = i.origin === undefined || (i.origin.kind === 'file' && i.origin.path === path) ? '' : ` (${describeOrigin(i.origin)})`;
    return `  ${i.path} ${i.message}${from}\n`;
  });
  out(process.stderr, `lamini: ${path} is not valid (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('')}`);
  return 2;
}

export async function configCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${HELP.config}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'print') return print(rest);
  if (sub === 'check') return check(rest);
  throw new LaminiError(ErrorCodes.USAGE, `unknown config command "${sub}": print or check (see "lamini config --help")`);
}
