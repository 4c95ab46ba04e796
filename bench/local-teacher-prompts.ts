/** The prompts the local-teacher benchmark sends, and how it counts usable instructions in a reply. */

export const SEEDS = [
  'What are some things you can do to de-stress?',
  'How can individuals and organizations reduce unconscious bias?',
  'Write a program to compute the sum of integers from k to n.',
];
const EXAMPLES = SEEDS.map((s) => `<example>${s}</example>`).join('\n');
const COMMON = 'Generate 20 diverse examples that are similar to the provided examples. You do not need to provide a response to the generated examples. Each example must include an instruction. Each generated instruction can be either an imperative sentence or a question.';
// The paper's prompt (tags) and the same prompt asking for JSON.
export const TAGS_PROMPT = `${EXAMPLES}\n${COMMON} Each example must start with the label "<example>" and end with the label "</example>".`;
export const JSON_PROMPT = `${EXAMPLES}\n${COMMON} Reply with JSON: {"instructions": ["...", "..."]}.`;
export const SCHEMA = {
  type: 'object',
  properties: { instructions: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 20 } },
  required: ['instructions'],
};
const RESPOND_SYSTEM = 'You are a helpful assistant. Give a very concise answer.';
const RESPOND_USER = 'How can individuals and organizations reduce unconscious bias?';

export interface Mode {
  name: 'tags_free' | 'json_free' | 'json_grammar' | 'respond';
  system?: string;
  user: string;
  maxTokens: number;
  schema?: Record<string, unknown>;
}
export const MODES: Mode[] = [
  { name: 'tags_free', user: TAGS_PROMPT, maxTokens: 256 },
  { name: 'json_free', user: JSON_PROMPT, maxTokens: 256 },
  { name: 'json_grammar', user: JSON_PROMPT, maxTokens: 256, schema: SCHEMA },
  { name: 'respond', system: RESPOND_SYSTEM, user: RESPOND_USER, maxTokens: 128 },
];

/**
 * The complete string items of a JSON reply cut off by max_tokens (`{"instructions": ["a", "b", "c…`): the
 * finished strings before the cut. A generate operator can keep these instead of dropping the whole reply.
 */
export function salvageJsonInstructions(text: string): string[] {
  const open = text.search(/"instructions"\s*:\s*\[/);
  if (open < 0) return [];
  const rest = text.slice(text.indexOf('[', open) + 1);
  const out: string[] = [];
  for (const m of rest.matchAll(/"((?:[^"\\]|\\.)*)"\s*(?=[,\]])/g)) {
    try {
      out.push(JSON.parse(`"${m[1] ?? ''}"`) as string);
    } catch {
      /* a malformed escape: skip the item */
    }
  }
  return out;
}

/** Instructions a generate operator could keep: extracted per mode, de-numbered, 10–300 chars, not a seed, distinct. */
export function usableInstructions(mode: Mode['name'], text: string, salvage = false): string[] {
  let raw: string[] = [];
  if (mode === 'tags_free') raw = [...text.matchAll(/<example>([\s\S]*?)<\/example>/gi)].map((m) => m[1] ?? '');
  else if (mode === 'json_free' || mode === 'json_grammar') {
    try {
      const parsed = JSON.parse(text) as { instructions?: unknown };
      if (Array.isArray(parsed.instructions)) raw = parsed.instructions.filter((x): x is string => typeof x === 'string');
    } catch {
      raw = salvage ? salvageJsonInstructions(text) : [];
    }
  }
  const seen = new Set(SEEDS.map((s) => s.toLowerCase()));
  const out: string[] = [];
  for (const r of raw) {
    const t = r.replace(/^\s*(\d+[.)]|[-*•])\s*/, '').trim();
    if (t.length < 10 || t.length > 300 || seen.has(t.toLowerCase())) continue;
    seen.add(t.toLowerCase());
    out.push(t);
  }
  return out;
}

