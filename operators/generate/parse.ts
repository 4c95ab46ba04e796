/**
 * Reading new instructions out of a teacher's reply, whatever shape it came in, first match wins:
 *  1. JSON: `{"instructions": [...]}` or a bare array; an array cut off by the token limit keeps its complete
 *     strings (a string or object still open at the cut is dropped).
 *  2. `<example>…</example>` tags (the paper's format); an opened tag never closed is dropped as incomplete.
 *  3. A list: lines starting "1.", "1)", "- ", "* ", "•" or a numbered label ("Instruction 4:"); an indented
 *     line continues the item above. When the reply was cut by the token limit (`truncated`), its last item
 *     is dropped as incomplete.
 * Text around any of these ("Sure! Here are…", "Hope this helps") is ignored, and so is the numbering a
 * teacher puts in front of an item in any of them (prefix.ts): "Instructions 4: Fix a bike" and "8. Fix a
 * bike" are one instruction, and dedup must see them as one.
 */
import { stripPrefix } from './prefix.ts';

export interface ParsedReply {
  instructions: string[];
  /** Which shape was found. */
  format?: 'json' | 'tags' | 'list';
  /** Items dropped because the reply was cut off in the middle of them. */
  incomplete: number;
  /** Their text, as far as it got (one line each; may be empty). */
  partial?: string[];
  /** Why nothing was found, when nothing was. */
  failure?: 'no_examples' | 'bad_json';
}

export interface ParseOptions {
  /** The teacher stopped at max_tokens (finish reason `length`). */
  truncated?: boolean;
}

const TAG = /<example>([\s\S]*?)<\/example>/gi;
const OPEN_TAG = /<example>/gi;

export function parseTagged(text: string): ParsedReply {
  const found = [...text.matchAll(TAG)].map((m) => clean(m[1] ?? '')).filter((s) => s.length > 0);
  if (found.length === 0) return { instructions: [], incomplete: 0, failure: 'no_examples' };
  const opened = [...text.matchAll(OPEN_TAG)].length;
  const closedAll = [...text.matchAll(TAG)].length;
  if (opened <= closedAll) return { instructions: found, format: 'tags', incomplete: 0 };
  const lastOpen = text.toLowerCase().lastIndexOf('<example>');
  const tail = lastOpen > text.toLowerCase().lastIndexOf('</example>') ? clean(text.slice(lastOpen + '<example>'.length)) : '';
  return { instructions: found, format: 'tags', incomplete: opened - closedAll, partial: [tail] };
}

/** The text of the list item a line starts (indented by at most 3 spaces), or undefined. */
function listItem(line: string): string | undefined {
  if (!/^ {0,3}\S/.test(line)) return undefined;
  const { body, stripped } = stripPrefix(line.trim());
  return stripped && body !== '' ? body : undefined;
}

export function parseList(text: string, options: ParseOptions = {}): ParsedReply {
  const items: string[] = [];
  let open = false;
  for (const line of text.split(/\r?\n/)) {
    const item = listItem(line);
    if (item !== undefined) {
      items.push(item);
      open = true;
    } else if (open && /^\s+\S/.test(line)) {
      items[items.length - 1] += ` ${line.trim()}`;
    } else {
      open = false;
    }
  }
  const partial: string[] = [];
  if (options.truncated === true && items.length > 0 && open) partial.push(clean(items.pop()!));
  const found = items.map(clean).filter((s) => s.length > 0);
  const cut = partial.length > 0 ? { incomplete: 1, partial } : { incomplete: 0 };
  return found.length > 0 ? { instructions: found, format: 'list', ...cut } : { instructions: [], ...cut, failure: 'no_examples' };
}

/** Any of the shapes, JSON first when it was asked for or the reply looks like JSON. */
export function parseReply(text: string, options: ParseOptions & { json?: boolean } = {}): ParsedReply {
  const trimmed = text.trim();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  let jsonFailure = false;
  if (options.json === true || looksJson) {
    const parsed = parseJson(trimmed);
    if (parsed.instructions.length > 0) return parsed;
    jsonFailure = parsed.failure === 'bad_json';
  }
  const tagged = parseTagged(text);
  if (tagged.instructions.length > 0) return tagged;
  const listed = parseList(text, options);
  if (listed.instructions.length > 0) return listed;
  return { instructions: [], incomplete: listed.incomplete, failure: jsonFailure && options.json === true ? 'bad_json' : 'no_examples' };
}

/** JSON only, falling back to the other shapes (some servers ignore response_format). */
export function parseJsonReply(text: string, options: ParseOptions = {}): ParsedReply {
  return parseReply(text, { ...options, json: true });
}

function parseJson(text: string): ParsedReply {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return salvageJson(text);
  }
  const list = Array.isArray(value) ? value : (value as { instructions?: unknown } | null)?.instructions;
  if (!Array.isArray(list)) return { instructions: [], incomplete: 0, failure: 'bad_json' };
  const found = list.filter((x): x is string => typeof x === 'string').map(clean).filter((s) => s.length > 0);
  return found.length > 0 ? { instructions: found, format: 'json', incomplete: 0 } : { instructions: [], incomplete: 0, failure: 'no_examples' };
}

/**
 * A JSON reply cut off mid-way: find the array (after `"instructions":`, or the top-level `[`) and read
 * complete string literals from it until the text ends or the array closes.
 */
function salvageJson(text: string): ParsedReply {
  const key = /"instructions"\s*:\s*\[/.exec(text);
  let i = key !== null ? key.index + key[0].length : text.startsWith('[') ? 1 : -1;
  if (i < 0) return { instructions: [], incomplete: 0, failure: 'bad_json' };
  const found: string[] = [];
  const partial: string[] = [];
  for (;;) {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
    if (i >= text.length || text[i] === ']') break;
    if (text[i] !== '"') {
      partial.push(clean(text.slice(i))); // not a string: leave the rest alone
      break;
    }
    const end = stringEnd(text, i);
    if (end < 0) {
      partial.push(clean(text.slice(i + 1).replace(/\\$/, '')));
      break;
    }
    try {
      const s = JSON.parse(text.slice(i, end + 1)) as string;
      if (clean(s).length > 0) found.push(clean(s));
    } catch {
      partial.push(clean(text.slice(i + 1, end)));
      break;
    }
    i = end + 1;
  }
  const cut = partial.length > 0 ? { incomplete: partial.length, partial } : { incomplete: 0 };
  return found.length > 0 ? { instructions: found, format: 'json', ...cut } : { instructions: [], ...cut, failure: 'bad_json' };
}

/** Index of the quote closing the JSON string opened at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** One line, without the list numbering, bullets or "Instruction N:" labels a teacher may put in front. */
function clean(s: string): string {
  return stripPrefix(s.replace(/\s+/g, ' ').trim()).body;
}
