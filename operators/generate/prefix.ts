/**
 * The numbering a teacher puts in front of a new instruction: list markers ("4.", "4)", "(4)", "[4]", "#4",
 * "-", "*", "•"), labels ("Instruction 4:", "Instructions 4:", "New instruction 2 -", "Example 3:",
 * "Task 1.", "Question 7:", a bare "Instruction:"), each possibly in markdown bold ("**4.**"). Left in
 * place, they make copies of one instruction look different to dedup: "Instructions 4: Fix the bike" and
 * "Instructions 8: Fix the bike" share only half their word trigrams.
 *
 * A label is not stripped when the same label numbered again follows in the text ("Question 1: … Question 2:
 * … Same meaning?"): there the numbering is the instruction's own content.
 */

const BULLET = /^[-*\u2022](?=\s|$)/u;
const NUMBER = /^(?:\d{1,3}[.):]|\(\d{1,3}\)|\[\d{1,3}\]|#\d{1,3}[.):]?)(?=\s|$)/u;
const LABEL = /^(?:new\s+)?(instruction|example|task|prompt|question)s?\s*(?:#\s*)?\d{1,3}\s*(?::|[.)\-\u2013\u2014](?=\s|$))/iu;
const BARE_LABEL = /^(?:new\s+)?instructions?\s*:/iu;
/** `**…**` or `__…__` around a marker or label. */
const BOLD = /^(\*\*|__)([^*_]{1,40}?)\1/u;

/** At most this many prefixes in a row are stripped ("1. **Instruction 4:** …" has two). */
const MAX_PREFIXES = 3;

export interface Stripped {
  /** The text without its prefixes, trimmed. */
  body: string;
  /** Whether any prefix was found. */
  stripped: boolean;
}

export function stripPrefix(text: string): Stripped {
  let body = text.trim();
  let stripped = false;
  for (let i = 0; i < MAX_PREFIXES; i++) {
    const n = prefixLength(body);
    if (n === 0) break;
    body = body.slice(n).trim();
    stripped = true;
  }
  return { body, stripped };
}

/** Length of the one marker or label `s` starts with, 0 when none. */
function prefixLength(s: string): number {
  const bold = BOLD.exec(s);
  if (bold !== null) {
    const inner = bold[2]!.trim();
    return inner !== '' && plainPrefixLength(inner, s.slice(bold[0].length)) === inner.length ? bold[0].length : 0;
  }
  return plainPrefixLength(s, s);
}

/** `rest`: the text after the prefix, where a label must not recur. */
function plainPrefixLength(s: string, rest: string): number {
  const label = LABEL.exec(s);
  if (label !== null) {
    const after = s === rest ? s.slice(label[0].length) : rest;
    const again = new RegExp(`\\b${label[1]!}s?\\s*(?:#\\s*)?\\d{1,3}\\s*[:.)]`, 'iu');
    return again.test(after) ? 0 : label[0].length;
  }
  for (const re of [BULLET, NUMBER, BARE_LABEL]) {
    const m = re.exec(s);
    if (m !== null) return m[0].length;
  }
  return 0;
}
