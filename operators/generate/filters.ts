/**
 * Filters on generated instructions (`generation.filters`), each a pure check that keeps the text or names
 * its reason. A filtered instruction is a Dropped record with that reason, counted in `lamini stats` like
 * every other drop; originals re-answered from seeds are never filtered.
 *
 * By default only a floor is on: at least `minWords` words and `minLetters` letters, markup tags not
 * counted, so fragments like `B` or `[post2]` do not become instructions, whatever the teacher. The paper
 * filtered nothing (its teacher was gpt-3.5): `enabled: false` turns every filter off and gives back the raw
 * distribution.
 */
import { defaultGenerationFilters, type GenerationFilters } from '../../common/config.ts';

export type { GenerationFilters };

export const FILTER_REASONS = [
  'filter_non_printable', 'filter_too_short', 'filter_too_long', 'filter_few_letters', 'filter_blocklist', 'filter_not_text',
] as const;
export type FilterReason = (typeof FILTER_REASONS)[number];

/** The defaults: the floor on, every other filter off. */
export function defaultFilters(): GenerationFilters {
  return defaultGenerationFilters();
}

/** No filtering at all, as in the paper: `generation.filters.enabled: false`. */
export function rawFilters(): GenerationFilters {
  return { ...defaultGenerationFilters(), enabled: false };
}

/**
 * Asking for output that is not text, or for input the model cannot receive: the kinds of instruction the
 * self-instruct and LaMini-LM authors found a language model cannot answer. Our own list; an instruction
 * that merely mentions a picture ("describe the Mona Lisa") is kept.
 */
const NOT_TEXT: readonly RegExp[] = [
  /\b(?:draw|paint|sketch|illustrate)\b(?! (?:a |the )?(?:conclusion|comparison|parallel|line between|attention|inspiration))/i,
  /\b(?:create|make|generate|design|produce|take|upload|send|show me) (?:a |an |the |some )?(?:\w+ )?(?:image|picture|photo|photograph|drawing|painting|video|diagram|logo|chart|graph|animation|song recording|audio|sound ?track|podcast)s?\b/i,
  /\b(?:in|from|of|at|on) (?:this|the|the attached|the following|the given|the above|the below|this attached) (?:image|picture|photo|photograph|video|audio|recording|clip|diagram|chart|graph|screenshot|map)\b/i,
  /\b(?:look at|see|watch|view|observe) (?:this|the|the attached|the following) (?:image|picture|photo|video|diagram|chart|clip)\b/i,
  /\b(?:listen to|play|hum|sing|record) (?:this|the|a|an|me a|the following)? ?(?:song|lullaby|audio|recording|melody|tune|sound|clip|music|voice message)\b/i,
  /\b(?:attached|enclosed) (?:file|image|picture|photo|document|audio|video|spreadsheet)\b/i,
];

// Control characters other than tab, newline and carriage return, the replacement character, unpaired surrogates.
const NON_PRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function wordCount(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/**
 * Markup a teacher or a scraped seed leaves behind, which is not words: `<br>`, `</s>`, `<|im_end|>`,
 * `[post2]`, `[/INST]`, `{{name}}`. Only the floor and the length bounds ignore it; the text is kept as is.
 */
const MARKUP = /<\/?[\p{L}|!][^<>]{0,40}>|\[[^[\]]{0,40}\]|\{\{[^{}]{0,40}\}\}/gu;

export function withoutMarkup(text: string): string {
  return text.replace(MARKUP, ' ');
}

export function letterCount(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

/** A compiled filter: the reason an instruction fails it, or undefined to keep it. */
export type InstructionFilter = (text: string) => FilterReason | undefined;

export function compileFilters(f: GenerationFilters): InstructionFilter {
  const escaped = f.blocklist.map((k) => k.trim()).filter((k) => k !== '').map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const block = escaped.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'iu') : undefined;
  if (!f.enabled) return () => undefined;
  return (text) => {
    if (f.printableOnly && hasNonPrintable(text)) return 'filter_non_printable';
    const words = f.minWords > 0 || f.maxWords > 0 || f.minLetters > 0 ? withoutMarkup(text) : '';
    if (f.minWords > 0 || f.maxWords > 0) {
      const n = wordCount(words);
      if (f.minWords > 0 && n < f.minWords) return 'filter_too_short';
      if (f.maxWords > 0 && n > f.maxWords) return 'filter_too_long';
    }
    if (f.minLetters > 0 && letterCount(words) < f.minLetters) return 'filter_few_letters';
    if (block?.test(text) === true) return 'filter_blocklist';
    if (f.textOnly && NOT_TEXT.some((re) => re.test(text))) return 'filter_not_text';
    return undefined;
  };
}

export function hasNonPrintable(text: string): boolean {
  return NON_PRINTABLE.test(text) || LONE_SURROGATE.test(text);
}
