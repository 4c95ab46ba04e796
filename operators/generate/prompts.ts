/**
 * Prompt templates, versioned files: `data/prompts/<version>/*.txt` in the package (found from the package
 * root, so it works from source and from `dist/`). `prompt_version` is stored with every record, so a change
 * of wording is a new folder, never an edit of an old one. Wording is this project's own, after the recipe of
 * the LaMini-LM paper: seed examples in `<example>` tags, N new instructions asked for, no responses;
 * topic-guided prompts add "with the topics A, B, C". Each file's one trailing newline is not part of it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { packageRoot } from '../../seeds/store.ts';
import type { ChatMessage, JsonSchemaFormat } from '../../teacher/types.ts';

export interface PromptTemplates {
  version: string;
  /** Example-guided: {examples}, {count}. */
  exampleGuided: string;
  /** Topic-guided: {examples}, {count}, {topics}. */
  topicGuided: string;
  /** One seed example in the prompt: {example}. */
  example: string;
  /** Appended (after one space) when the teacher is asked for JSON instead of tags. */
  jsonSuffix: string;
  /** Appended (after one space) when the teacher is asked for tags. */
  tagSuffix: string;
  /** System message of the response call. */
  respondSystem: string;
}

/** File name, field, and the placeholders the file must hold. */
const FILES: ReadonlyArray<readonly [string, Exclude<keyof PromptTemplates, 'version'>, readonly string[]]> = [
  ['example-guided.txt', 'exampleGuided', ['{examples}', '{count}']],
  ['topic-guided.txt', 'topicGuided', ['{examples}', '{count}', '{topics}']],
  ['example.txt', 'example', ['{example}']],
  ['json-suffix.txt', 'jsonSuffix', []],
  ['tag-suffix.txt', 'tagSuffix', []],
  ['respond-system.txt', 'respondSystem', []],
];

export function promptsDir(): string {
  return join(packageRoot(), 'data', 'prompts');
}

/** The versions shipped (folder names under `data/prompts/`). */
export function promptVersions(dir = promptsDir()): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Reads one version's files; every missing file or placeholder is reported at once. */
export function loadTemplates(version: string, dir = promptsDir()): PromptTemplates {
  const folder = join(dir, version);
  if (!/^[A-Za-z0-9._-]+$/.test(version) || !existsSync(folder)) {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `unknown prompt version ${version} (known: ${promptVersions(dir).join(', ')})`, {
      details: { issues: [{ path: 'generation.promptVersion', message: `no folder ${folder}` }] },
    });
  }
  const out: Record<string, string> = { version };
  const issues: Array<{ path: string; message: string }> = [];
  for (const [file, field, placeholders] of FILES) {
    const path = join(folder, file);
    if (!existsSync(path)) {
      issues.push({ path, message: 'is missing' });
      continue;
    }
    const text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    for (const p of placeholders) if (!text.includes(p)) issues.push({ path, message: `lacks ${p}` });
    out[field] = text;
  }
  if (issues.length > 0) {
    const list = issues.map((i) => `${i.path} ${i.message}`).join('; ');
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `prompt templates ${version} are not usable: ${list}`, { details: { issues } });
  }
  return out as unknown as PromptTemplates;
}

const cache = new Map<string, PromptTemplates>();

/** The templates of a version, read once per process. */
export function templates(version: string): PromptTemplates {
  let t = cache.get(version);
  if (t === undefined) {
    t = loadTemplates(version);
    cache.set(version, t);
  }
  return t;
}

export const INSTRUCTIONS_SCHEMA = (max: number): JsonSchemaFormat => ({
  name: 'instructions',
  schema: {
    type: 'object',
    properties: { instructions: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: max } },
    required: ['instructions'],
    additionalProperties: false,
  },
});

export interface GenerationPrompt {
  examples: string[];
  topics: string[];
  count: number;
  json: boolean;
}

export function generationMessages(t: PromptTemplates, p: GenerationPrompt): ChatMessage[] {
  const examples = p.examples.map((e) => t.example.replaceAll('{example}', e)).join('\n');
  const body = (p.topics.length > 0 ? t.topicGuided : t.exampleGuided)
    .replaceAll('{count}', String(p.count))
    .replaceAll('{topics}', p.topics.join(', '))
    .replaceAll('{examples}', examples);
  return [{ role: 'user', content: `${body} ${p.json ? t.jsonSuffix : t.tagSuffix}` }];
}

export function responseMessages(t: PromptTemplates, instruction: string): ChatMessage[] {
  return [
    { role: 'system', content: t.respondSystem },
    { role: 'user', content: instruction },
  ];
}
