/**
 * A second teacher: `teacher.instruction` and `teacher.response` override the shared `teacher` settings
 * for one kind of call (their keys, the key-variable lookup, and the settings each role runs with).
 */
import type { ConfigIssue, Config, Shape, TeacherConfig } from './config.ts';

/**
 * One role's teacher settings over the shared `teacher` ones; an absent key inherits. `apiKeyEnv` names the
 * environment variable holding this teacher's key (resolved into `apiKey` when the config is loaded).
 */
export interface TeacherOverride {
  baseUrl?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  model?: string;
  temperature?: number;
  /** Replaces `generateMaxTokens` (instruction) or `respondMaxTokens` (response). */
  maxTokens?: number;
  concurrency?: number;
  rpm?: number;
  tpm?: number;
  prices?: Record<string, { input: number; output: number }>;
}

/** The two kinds of teacher call. */
export type TeacherRole = 'instruction' | 'response';
export const TEACHER_ROLES: readonly TeacherRole[] = ['instruction', 'response'];

/** The keys of `teacher.<role>`: what a second teacher may set for itself. */
export function overrideShapes(role: TeacherRole): Record<string, Shape> {
  const keys: Record<keyof TeacherOverride, Shape> = {
    baseUrl: 'string', apiKey: 'string', apiKeyEnv: 'string', model: 'string', temperature: 'number', maxTokens: 'int',
    concurrency: 'int', rpm: 'int', tpm: 'int', prices: 'priceMap',
  };
  return Object.fromEntries(Object.entries(keys).map(([k, shape]) => [`teacher.${role}.${k}`, shape]));
}

/** `teacher.<role>.apiKeyEnv`: the named variable's value becomes that role's key; an unset one is an issue. */
export function resolveKeyEnvs(config: Config, env: Record<string, string | undefined>, issues: ConfigIssue[]): void {
  for (const role of TEACHER_ROLES) {
    const o = config.teacher[role];
    if (o.apiKeyEnv === undefined) continue;
    const value = env[o.apiKeyEnv];
    if (value === undefined || value === '') issues.push({ path: `teacher.${role}.apiKeyEnv`, message: `names ${o.apiKeyEnv}, which is not set` });
    else o.apiKey = value;
  }
}

/**
 * The settings one kind of call runs with: `teacher`, with the role's overrides on top (prices merge). Both
 * roles resolve to equal client settings unless the user set a second teacher.
 */
export function roleTeacherConfig(t: TeacherConfig, role: TeacherRole): TeacherConfig {
  const o = t[role];
  const pick = <K extends keyof TeacherOverride>(k: K, fallback: NonNullable<TeacherOverride[K]>): NonNullable<TeacherOverride[K]> => o[k] ?? fallback;
  const maxTokens = role === 'instruction' ? 'generateMaxTokens' : 'respondMaxTokens';
  return {
    ...t,
    baseUrl: pick('baseUrl', t.baseUrl),
    apiKey: pick('apiKey', t.apiKey),
    model: pick('model', t.model),
    temperature: pick('temperature', t.temperature),
    [maxTokens]: pick('maxTokens', t[maxTokens]),
    concurrency: pick('concurrency', t.concurrency),
    rpm: pick('rpm', t.rpm),
    tpm: pick('tpm', t.tpm),
    prices: { ...t.prices, ...o.prices },
    instruction: {},
    response: {},
  };
}
