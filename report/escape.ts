/**
 * Putting corpus text into the page safely. Text in HTML goes through `escapeHtml` (all five of & < > " ');
 * the data block is JSON inside `<script type="application/json">`, where only `</script` (or `<!--`) could
 * end or confuse the element, so every `<`, `>` and `&` is written as a \u escape (JSON.parse reads them
 * back unchanged), and U+2028 / U+2029 too, which older parsers treat as line ends.
 */
import { ErrorCodes, LaminiError } from '../common/errors.ts';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A script's text inlined into `<script>`: refused if it could close the element early. */
export function inlineScript(source: string, what: string): string {
  if (/<\/script/i.test(source) || source.includes('<!--')) {
    throw new LaminiError(ErrorCodes.INTERNAL, `${what} holds "</script" or "<!--" and cannot be inlined into the report`);
  }
  return source;
}
