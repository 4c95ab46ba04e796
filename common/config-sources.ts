/**
 * Where each configuration value came from, and the configuration as `lamini config print` shows it: every
 * key, its value and its source, with secrets masked. A secret is masked by its key, never by looking at
 * its value, and any secret value that shows up under another key (a key pasted into a URL) is masked too.
 */
import { CONFIG_KEYS, type Config, type ResolvedConfig } from './config.ts';

/** Where a key's value came from: its default, the config file, an environment variable or a flag. */
export type ConfigOrigin =
  | { kind: 'default' }
  | { kind: 'file'; path: string }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string };

/** `default`, `file <path>`, `env <NAME>` or `flag --x`. */
export function describeOrigin(origin: ConfigOrigin): string {
  switch (origin.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `file ${origin.path}`;
    case 'env':
      return `env ${origin.name}`;
    case 'flag':
      return `flag ${origin.name}`;
  }
}

/** API keys and passwords: `teacher.apiKey`, `teacher.<role>.apiKey`, `kafka.schemaRegistryPassword`. */
export function isSecretKey(key: string): boolean {
  return /(^|\.)apiKey$/.test(key) || /password$/i.test(key);
}

/** What a secret prints as: `***` when set (nothing of its length or characters), `""` when not. */
export const MASK = '***';

export interface ConfigEntry {
  key: string;
  /** The effective value; `undefined` for a role teacher key that is not set (it inherits `teacher.*`). */
  value: unknown;
  source: string;
}

function valueAt(config: Config, key: string): unknown {
  let node: unknown = config;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

/** Every secret value set in `config` (non-empty), so output can be checked or scrubbed for them. */
export function secretValues(config: Config): string[] {
  return CONFIG_KEYS.filter(isSecretKey).map((k) => valueAt(config, k)).filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * Masks every secret of at least 4 characters in `text` (shorter ones would mask ordinary words; their own
 * keys are masked all the same).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((out, secret) => out.split(secret).join(MASK), text);
}

/** Replaces every secret value inside `value` (strings, arrays, maps) with the mask. */
function scrubValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, secrets)]));
  }
  return value;
}

/** Every key of the configuration in order, with its value (secrets masked) and where it came from. */
export function configEntries(resolved: Pick<ResolvedConfig, 'config' | 'origins'>): ConfigEntry[] {
  const secrets = secretValues(resolved.config);
  return CONFIG_KEYS.map((key) => {
    const raw = valueAt(resolved.config, key);
    const value = isSecretKey(key) && typeof raw === 'string' ? (raw === '' ? '' : MASK) : scrubValue(raw, secrets);
    return { key, value, source: describeOrigin(resolved.origins.get(key) ?? { kind: 'default' }) };
  });
}

/** One line per key: `key = value  (source)`; values as JSON, an unset role teacher key as `(inherits)`. */
export function formatConfigEntries(entries: readonly ConfigEntry[]): string {
  const width = Math.max(...entries.map((e) => e.key.length));
  return entries
    .map((e) => `${e.key.padEnd(width)}  ${e.value === undefined ? '(inherits)' : JSON.stringify(e.value)}  (${e.source})\n`)
    .join('');
}

/** `{ "key": { "value": ..., "source": "..." } }`; an unset role teacher key has the value null. */
export function configEntriesJson(entries: readonly ConfigEntry[]): Record<string, { value: unknown; source: string }> {
  return Object.fromEntries(entries.map((e) => [e.key, { value: e.value ?? null, source: e.source }]));
}
