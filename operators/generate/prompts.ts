/**
 * Prompt templates, versioned: `prompt_version` is stored with every record, so a change of wording
 * is a new version here, never an edit of an old one. Wording is this project's own, after the
 * recipe of the LaMini-LM paper: seed examples in `<example>` tags, N new instructions asked for, no
 * responses; topic-guided prompts add "with the topics A, B, C".
 */
import type { ChatMessage, JsonSchemaFormat } from '../../teacher/types.ts';

export interface PromptTemplates {
  version: string;
  /** Example-guided: {examples}, {count}. */
  exampleGuided: string;
  /** Topic-guided: {examples}, {count}, {topics}. */
  topicGuided: string;
  /** Appended when the teacher is asked for JSON instead of tags. */
  jsonSuffix: string;
  /** Appended when the teacher is asked for tags. */
  tagSuffix: string;
  /** System message of the response call. */
  respondSystem: string;
}

export const PROMPTS: Record<string, PromptTemplates> = {
  'lamini-v1': {
    version: 'lamini-v1',
    exampleGuided:
      'Here are some examples of instructions a person might give an assistant:\n\n{examples}\n\n' +
      'Write {count} new instructions that are similar in kind to the examples above but different from them and from ' +
      'each other. Each must make sense on its own. Do not answer them.',
    topicGuided:
      'Here are some examples of instructions a person might give an assistant:\n\n{examples}\n\n' +
      'Write {count} new instructions that are similar to the provided examples with the topics {topics}. ' +
      'Each must make sense on its own and be different from the others. Do not answer them.',
    tagSuffix: ' Put each new instruction inside <example></example> tags.',
    jsonSuffix: ' Reply with JSON: {"instructions": ["...", "..."]}.',
    respondSystem:
      'You are a helpful assistant. Answer the user\'s instruction correctly and as concisely as possible, ' +
      'without restating the instruction.',
  },
};

export function templates(version: string): PromptTemplates {
  const t = PROMPTS[version];
  if (t === undefined) throw new Error(`unknown prompt version ${version}`);
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
  const examples = p.examples.map((e) => `<example>${e}</example>`).join('\n');
  const body = (p.topics.length > 0 ? t.topicGuided : t.exampleGuided)
    .replaceAll('{examples}', examples)
    .replaceAll('{count}', String(p.count))
    .replaceAll('{topics}', p.topics.join(', '));
  return [{ role: 'user', content: body + (p.json ? t.jsonSuffix : t.tagSuffix) }];
}

export function responseMessages(t: PromptTemplates, instruction: string): ChatMessage[] {
  return [
    { role: 'system', content: t.respondSystem },
    { role: 'user', content: instruction },
  ];
}
