/**
 * Configuration: defaults, then one file (`lamini.config.json`, `.yaml` or `.yml`), then environment
 * variables, then command-line flags, later winning. Validated once at the edge: every bad key is
 * reported with its path, and unknown keys are errors (a typo never silently does nothing).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LaminiError, ErrorCodes } from './errors.ts';
import { defaultKafkaConfig, KAFKA_ENV_KEYS, KAFKA_POSITIVE, KAFKA_SHAPES, registryIssues, type KafkaConfig } from './config-kafka.ts';
import { overrideShapes, resolveKeyEnvs, TEACHER_ROLES, type TeacherOverride } from './config-teacher.ts';
import type { ConfigOrigin } from './config-sources.ts';

export type { KafkaConfig } from './config-kafka.ts';
export { roleTeacherConfig, TEACHER_ROLES } from './config-teacher.ts';
export type { TeacherOverride, TeacherRole } from './config-teacher.ts';
export type { ConfigOrigin } from './config-sources.ts';

export interface TeacherConfig {
  /** OpenAI-compatible base URL; empty means the local teacher. */
  baseUrl: string;
  /** Never printed; from OPENAI_API_KEY or the config file. */
  apiKey: string;
  model: string;
  temperature: number;
  generateMaxTokens: number;
  respondMaxTokens: number;
  concurrency: number;
  timeoutMs: number;
  /** Retries of a retriable failure (429, 5xx, timeout, cut-off reply) by the teacher chain's retry loop. */
  maxRetries: number;
  /** No retry starts after this long since a call's first attempt. */
  retryMaxElapsedMs: number;
  /** Requests per minute (0: none until the server's x-ratelimit-* headers state one). */
  rpm: number;
  /** Tokens per minute (0: none until the server's x-ratelimit-* headers state one). */
  tpm: number;
  /** The response cache under `<dataDir>/cache/teacher/` (a replay pays nothing twice). */
  cache: boolean;
  /** `online`: one chat call per request; `batch`: the OpenAI Batch API (half price, results within 24 h). */
  mode: 'online' | 'batch';
  /** Batch mode: requests per batch, and how long to collect before a smaller batch goes out. */
  batchSize: number;
  batchFlushMs: number;
  batchPollMs: number;
  /** `auto`: JSON-schema output where the teacher supports it, else `<example>` tags. */
  structuredOutput: 'auto' | 'json' | 'tags';
  /** USD per million tokens, by model. */
  prices: Record<string, { input: number; output: number }>;
  /** Settings of the instruction (generate) calls that differ from the ones above (a second teacher). */
  instruction: TeacherOverride;
  /** Settings of the response (respond) calls that differ from the ones above (a second teacher). */
  response: TeacherOverride;
}

/**
 * Filters on generated instructions (operators/generate/filters.ts); 0, empty and false are off. By default
 * only the floor (`minWords`, `minLetters`) is on; `enabled: false` is the paper's raw distribution.
 */
export interface GenerationFilters {
  /** false: no filter at all, whatever the other keys say (the paper filtered nothing). */
  enabled: boolean;
  /** Fewer whitespace-separated words than this, markup tags such as `[post2]` not counted: `filter_too_short`. */
  minWords: number;
  /** More words than this: `filter_too_long`. */
  maxWords: number;
  /** Fewer letters (any script) than this, outside markup tags: `filter_few_letters`. */
  minLetters: number;
  /** Case-insensitive keywords or phrases, matched on word boundaries: `filter_blocklist`. */
  blocklist: string[];
  /** Instructions a text-only answer cannot satisfy (draw, look at an image, listen to audio): `filter_not_text`. */
  textOnly: boolean;
  /** Control characters, U+FFFD or unpaired surrogates: `filter_non_printable`. */
  printableOnly: boolean;
}

export interface GenerationConfig {
  promptVersion: string;
  instructionsPerPrompt: number;
  instructionsPerPromptLong: number;
  maxInstructionChars: number;
  /** Share of examples by how they are made (the paper's Table 1 by default); normalised at use. */
  mix: Record<string, number>;
  /** Filters on generated instructions, each dropped with its own reason (only the floor on by default). */
  filters: GenerationFilters;
}

/** Near-duplicate filtering (operators/dedup): MinHash LSH by default, `exact` to keep every distinct text. */
export interface DedupConfig {
  mode: 'minhash' | 'exact';
  /** Jaccard of word n-gram shingle sets at or above which an instruction is a near duplicate. */
  threshold: number;
  permutations: number;
  /** 0 with rows 0: chosen from the threshold. */
  bands: number;
  rows: number;
  ngram: number;
  seed: number;
  /** `fast` (default): fast similarity sketching, one hash per shingle and round; `classic`: one per permutation. */
  signature: 'classic' | 'fast';
  /**
   * `lamini operator dedup` (Kafka) snapshots its index to the data dir after this many records or this
   * long since the last snapshot, whichever comes first, and on a clean stop (pipeline/dedup-checkpoint.ts).
   */
  snapshotEveryRecords: number;
  snapshotEveryMs: number;
}

export interface Config {
  dataDir: string;
  runSeed: number;
  transport: 'embedded' | 'kafka';
  brokers: string[];
  /** Kafka topics: prefix, partitions and retention of topics lamini creates, group timeouts. */
  kafka: KafkaConfig;
  useDefaultSeeds: boolean;
  teacher: TeacherConfig;
  generation: GenerationConfig;
  sink: { maxRows: number; maxAgeMs: number };
  run: { stallTimeoutMs: number; progressIntervalMs: number; channelCapacity: number; maxTasksInFlight: number };
  dedup: DedupConfig;
}

/** The paper's Table 1, in pairs (millions), by `instruction_source`. */
export const PAPER_MIX: Record<string, number> = {
  self_instruct_without_topic: 0.27,
  self_instruct_with_topic: 0.28,
  generated_p3: 0.3,
  generated_flan: 0.29,
  alpaca: 0.05,
  original_p3: 0.46,
  original_flan: 0.93,
};

/** A floor against junk (`B`, `[post2]`, `1 2 3`): two words and three letters; every other filter off. */
export function defaultGenerationFilters(): GenerationFilters {
  return { enabled: true, minWords: 2, maxWords: 0, minLetters: 3, blocklist: [], textOnly: false, printableOnly: false };
}

export function defaultConfig(): Config {
  return {
    dataDir: './lamini-data',
    runSeed: 1,
    transport: 'embedded',
    brokers: [],
    kafka: defaultKafkaConfig(),
    useDefaultSeeds: true,
    teacher: {
      baseUrl: '',
      apiKey: '',
      model: 'gpt-4o-mini',
      temperature: 0.7,
      generateMaxTokens: 512,
      respondMaxTokens: 256,
      concurrency: 8,
      timeoutMs: 120_000,
      maxRetries: 6,
      retryMaxElapsedMs: 300_000,
      rpm: 0,
      tpm: 0,
      cache: true,
      mode: 'online',
      batchSize: 1000,
      batchFlushMs: 5_000,
      batchPollMs: 30_000,
      structuredOutput: 'auto',
      prices: {
        'gpt-4o-mini': { input: 0.15, output: 0.6 },
        'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
      },
      instruction: {},
      response: {},
    },
    generation: {
      promptVersion: 'lamini-v1',
      instructionsPerPrompt: 20,
      instructionsPerPromptLong: 10,
      maxInstructionChars: 10_000,
      mix: { ...PAPER_MIX },
      filters: defaultGenerationFilters(),
    },
    sink: { maxRows: 50_000, maxAgeMs: 60_000 },
    run: { stallTimeoutMs: 300_000, progressIntervalMs: 2_000, channelCapacity: 256, maxTasksInFlight: 0 },
    dedup: { mode: 'minhash', threshold: 0.7, permutations: 128, bands: 0, rows: 0, ngram: 3, seed: 1, signature: 'fast',
      snapshotEveryRecords: 10_000, snapshotEveryMs: 30_000,
    },
  };
}

export interface ConfigIssue {
  path: string;
  message: string;
}

export type Shape = 'string' | 'number' | 'int' | 'boolean' | 'strings' | 'numberMap' | 'priceMap' | readonly string[];

/** Every settable key and its shape; nested objects by dotted path. */
const SHAPES: Record<string, Shape> = {
  dataDir: 'string',
  runSeed: 'int',
  transport: ['embedded', 'kafka'],
  brokers: 'strings',
  ...KAFKA_SHAPES,
  useDefaultSeeds: 'boolean',
  'teacher.baseUrl': 'string',
  'teacher.apiKey': 'string',
  'teacher.model': 'string',
  'teacher.temperature': 'number',
  'teacher.generateMaxTokens': 'int',
  'teacher.respondMaxTokens': 'int',
  'teacher.concurrency': 'int',
  'teacher.timeoutMs': 'int',
  'teacher.maxRetries': 'int',
  'teacher.retryMaxElapsedMs': 'int',
  'teacher.rpm': 'int',
  'teacher.tpm': 'int',
  'teacher.cache': 'boolean',
  'teacher.mode': ['online', 'batch'],
  'teacher.batchSize': 'int',
  'teacher.batchFlushMs': 'int',
  'teacher.batchPollMs': 'int',
  'teacher.structuredOutput': ['auto', 'json', 'tags'],
  'teacher.prices': 'priceMap',
  ...overrideShapes('instruction'),
  ...overrideShapes('response'),
  'generation.promptVersion': 'string',
  'generation.instructionsPerPrompt': 'int',
  'generation.instructionsPerPromptLong': 'int',
  'generation.maxInstructionChars': 'int',
  'generation.mix': 'numberMap',
  'generation.filters.enabled': 'boolean',
  'generation.filters.minWords': 'int',
  'generation.filters.maxWords': 'int',
  'generation.filters.minLetters': 'int',
  'generation.filters.blocklist': 'strings',
  'generation.filters.textOnly': 'boolean',
  'generation.filters.printableOnly': 'boolean',
  'sink.maxRows': 'int',
  'sink.maxAgeMs': 'int',
  'run.stallTimeoutMs': 'int',
  'run.progressIntervalMs': 'int',
  'run.channelCapacity': 'int',
  'run.maxTasksInFlight': 'int',
  'dedup.mode': ['minhash', 'exact'],
  'dedup.threshold': 'number',
  'dedup.permutations': 'int',
  'dedup.bands': 'int',
  'dedup.rows': 'int',
  'dedup.ngram': 'int',
  'dedup.seed': 'int',
  'dedup.signature': ['classic', 'fast'],
  'dedup.snapshotEveryRecords': 'int',
  'dedup.snapshotEveryMs': 'int',
};

/** Environment variables and the keys they set. */
export const ENV_KEYS: Record<string, string> = {
  LAMINI_DATA_DIR: 'dataDir',
  LAMINI_RUN_SEED: 'runSeed',
  LAMINI_TRANSPORT: 'transport',
  LAMINI_BROKERS: 'brokers',
  ...KAFKA_ENV_KEYS,
  OPENAI_BASE_URL: 'teacher.baseUrl',
  OPENAI_API_KEY: 'teacher.apiKey',
  LAMINI_TEACHER_MODEL: 'teacher.model',
  LAMINI_TEACHER_CONCURRENCY: 'teacher.concurrency',
  LAMINI_TEACHER_RPM: 'teacher.rpm',
  LAMINI_TEACHER_TPM: 'teacher.tpm',
};

const POSITIVE = new Set([
  'teacher.generateMaxTokens', 'teacher.respondMaxTokens', 'teacher.concurrency', 'teacher.timeoutMs',
  'teacher.batchSize', 'teacher.batchFlushMs', 'teacher.batchPollMs',
  ...TEACHER_ROLES.flatMap((r) => [`teacher.${r}.maxTokens`, `teacher.${r}.concurrency`]),
  'generation.instructionsPerPrompt', 'generation.instructionsPerPromptLong', 'generation.maxInstructionChars',
  'sink.maxRows', 'sink.maxAgeMs', 'run.stallTimeoutMs', 'run.progressIntervalMs', 'run.channelCapacity',
  'dedup.threshold', 'dedup.permutations', 'dedup.ngram', 'dedup.snapshotEveryRecords', 'dedup.snapshotEveryMs',
  ...KAFKA_POSITIVE,
]);

/** Numbers with an upper bound too. */
const AT_MOST: Record<string, number> = { 'dedup.threshold': 1, 'dedup.permutations': 1024 };

function checkValue(path: string, shape: Shape, value: unknown, issues: ConfigIssue[]): unknown {
  const bad = (message: string): undefined => {
    issues.push({ path, message });
    return undefined;
  };
  if (Array.isArray(shape)) {
    return typeof value === 'string' && shape.includes(value) ? value : bad(`must be one of ${shape.join(', ')}`);
  }
  switch (shape) {
    case 'string':
      return typeof value === 'string' ? value : bad('must be a string');
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      return typeof value === 'boolean' ? value : bad('must be true or false');
    case 'number':
    case 'int': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad('must be a number');
      if (shape === 'int' && !Number.isInteger(n)) return bad('must be an integer');
      if (POSITIVE.has(path) && n <= 0) return bad('must be greater than 0');
      const max = AT_MOST[path];
      if (max !== undefined && n > max) return bad(`must be at most ${max}`);
      if (n < 0) return bad('must not be negative');
      return n;
    }
    case 'strings':
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : bad('must be a list of strings');
    case 'numberMap':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must be an object of numbers');
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'number' || !(v >= 0)) issues.push({ path: `${path}.${k}`, message: 'must be a number >= 0' });
      }
      return value;
    case 'priceMap':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('must be an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const p = v as { input?: unknown; output?: unknown } | null;
        if (typeof p !== 'object' || p === null || typeof p.input !== 'number' || typeof p.output !== 'number') {
          issues.push({ path: `${path}.${k}`, message: 'must be {"input": USD per 1M tokens, "output": USD per 1M tokens}' });
        }
      }
      return value;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  const shape = SHAPES[path];
  // Maps merge key by key, so a file can add one price without restating the defaults.
  if ((shape === 'numberMap' || shape === 'priceMap') && typeof node[last] === 'object') {
    node[last] = { ...(node[last] as object), ...(value as object) };
  } else {
    node[last] = value;
  }
}

/** Flattens a parsed config file to dotted keys, reporting keys that do not exist. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>, issues: ConfigIssue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: prefix || '(root)', message: 'must be an object' });
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (path in SHAPES) out.set(path, v);
    else if (Object.keys(SHAPES).some((s) => s.startsWith(`${path}.`))) flatten(v, path, out, issues);
    else issues.push({ path, message: 'is not a known setting' });
  }
}

export interface ConfigSources {
  /** Explicit config file; otherwise lamini.config.{json,yaml,yml} in `cwd` if present. */
  file?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Dotted keys from command-line flags. */
  flags?: Record<string, unknown>;
  /** The flag that set each key in `flags` (`--teacher-url`), for `lamini config print`. */
  flagNames?: Record<string, string>;
}

/** The keys a configuration has, in the order `lamini config print` shows them. */
export const CONFIG_KEYS: readonly string[] = Object.keys(SHAPES);

/** The configuration, where each key came from, and every issue (nothing thrown for an invalid key). */
export interface ResolvedConfig {
  config: Config;
  /** The config file read, if any. */
  file?: string;
  /** Keys set by a file, the environment or a flag; a key not here has its default. */
  origins: Map<string, ConfigOrigin>;
  issues: Array<ConfigIssue & { origin?: ConfigOrigin }>;
}

/** Like `loadConfig`, but returns the issues and the origin of every key instead of throwing on an invalid key. */
export function resolveConfig(sources: ConfigSources = {}): ResolvedConfig {
  const cwd = sources.cwd ?? process.cwd();
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const issues: ResolvedConfig['issues'] = [];
  const origins = new Map<string, ConfigOrigin>();
  const layers: Array<{ origin: (key: string) => ConfigOrigin; values: Map<string, unknown> }> = [];
  const tag = (from: number, origin: ConfigOrigin): void => {
    for (const issue of issues.slice(from)) issue.origin ??= origin;
  };

  const found = sources.file ?? ['lamini.config.json', 'lamini.config.yaml', 'lamini.config.yml']
    .map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  const file = found === undefined ? undefined : resolve(cwd, found);
  if (file !== undefined) {
    const before = issues.length;
    const values = readConfigFile(file, issues);
    tag(before, { kind: 'file', path: file });
    layers.push({ origin: () => ({ kind: 'file', path: file }), values });
  }

  const env = new Map<string, unknown>();
  const envNames = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = sources.env?.[name];
    if (v !== undefined && v !== '') {
      env.set(key, v);
      envNames.set(key, name);
    }
  }
  layers.push({ origin: (key) => ({ kind: 'env', name: envNames.get(key) ?? key }), values: env });
  layers.push({
    origin: (key) => ({ kind: 'flag', name: sources.flagNames?.[key] ?? key }),
    values: new Map(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined)),
  });

  for (const layer of layers) {
    for (const [path, raw] of layer.values) {
      const before = issues.length;
      const shape = SHAPES[path];
      if (shape === undefined) issues.push({ path, message: 'is not a known setting' });
      else {
        const value = checkValue(path, shape, raw, issues);
        if (issues.length === before) {
          setPath(config, path, value);
          origins.set(path, layer.origin(path));
        }
      }
      tag(before, layer.origin(path));
    }
  }
  issues.push(...registryIssues((config as unknown as Config).kafka));
  resolveKeyEnvs(config as unknown as Config, sources.env ?? {}, issues);
  for (const role of TEACHER_ROLES) {
    const name = (config as unknown as Config).teacher[role].apiKeyEnv;
    if (name !== undefined && (sources.env?.[name] ?? '') !== '') origins.set(`teacher.${role}.apiKey`, { kind: 'env', name });
  }
  return { config: config as unknown as Config, ...(file === undefined ? {} : { file }), origins, issues };
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const { config, issues } = resolveConfig(sources);
  if (issues.length > 0) throw invalidConfig(issues);
  return config;
}

/** The one error for an invalid configuration: every issue, with its path, in one line. */
export function invalidConfig(issues: readonly ConfigIssue[]): LaminiError {
  const list = issues.map((i) => `${i.path} ${i.message}`).join('; ');
  const plain: ConfigIssue[] = issues.map(({ path, message }) => ({ path, message }));
  return new LaminiError(ErrorCodes.CONFIG_INVALID, `invalid configuration: ${list}`, { details: { issues: plain } });
}

function readConfigFile(path: string, issues: ConfigIssue[]): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LaminiError(ErrorCodes.CONFIG_UNREADABLE, `cannot read config file ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `config file ${path} is not valid: ${reason}`);
  }
  const out = new Map<string, unknown>();
  flatten(parsed ?? {}, '', out, issues);
  return out;
}

/** The configuration as a user may see it: the key and the registry password are masked. */
export function redactConfig(config: Config): Config {
  const mask = (key: string | undefined): string => (key ? '***' : '');
  const t = config.teacher;
  return {
    ...config,
    teacher: {
      ...t, apiKey: mask(t.apiKey),
      instruction: t.instruction.apiKey === undefined ? t.instruction : { ...t.instruction, apiKey: mask(t.instruction.apiKey) },
      response: t.response.apiKey === undefined ? t.response : { ...t.response, apiKey: mask(t.response.apiKey) },
    },
    kafka: { ...config.kafka, schemaRegistryPassword: mask(config.kafka.schemaRegistryPassword) },
  };
}
