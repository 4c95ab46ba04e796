/**
 * Reading new instructions out of a teacher's reply: JSON `{"instructions": [...]}` when structured
 * output was asked for, else the paper's `<example>…</example>` tags. Text outside the tags is
 * ignored; a final tag cut off by the token limit is dropped as incomplete.
 */
export interface ParsedReply {
  instructions: string[];
  /** Why nothing was found, when nothing was. */
  failure?: 'no_examples' | 'bad_json';
}

const TAG = /<example>([\s\S]*?)<\/example>/gi;

export function parseTagged(text: string): ParsedReply {
  const found = [...text.matchAll(TAG)].map((m) => clean(m[1] ?? '')).filter((s) => s.length > 0);
  return found.length > 0 ? { instructions: found } : { instructions: [], failure: 'no_examples' };
}

export function parseJsonReply(text: string): ParsedReply {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Some servers ignore response_format; fall back to the tags before giving up.
    const tagged = parseTagged(text);
    return tagged.instructions.length > 0 ? tagged : { instructions: [], failure: 'bad_json' };
  }
  const list = (value as { instructions?: unknown } | null)?.instructions;
  if (!Array.isArray(list)) return { instructions: [], failure: 'bad_json' };
  const found = list.filter((x): x is string => typeof x === 'string').map(clean).filter((s) => s.length > 0);
  return found.length > 0 ? { instructions: found } : { instructions: [], failure: 'no_examples' };
}

/** One line, without list numbering or bullets a teacher may put in front. */
function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/^(?:\d{1,3}[.):]|[-*\u2022])\s+/u, '').trim();
}
