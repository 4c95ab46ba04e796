/**
 * Content ids. Every record id in the project that comes from text is `contentId(...parts)`: the first 16 hex
 * characters (64 bits) of the SHA-256 of the parts, each normalised by `normaliseText`, joined by "\n".
 * Normalising collapses all whitespace inside a part, so the "\n" between parts cannot come from the text
 * itself and ("a b", "") never collides with ("a", "b").
 */
import { createHash } from 'node:crypto';

/** NFKC, lower case, every run of whitespace (Unicode included) made one space, trimmed. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** First 16 hex chars of sha256(parts.map(normaliseText).join("\n")). */
export function contentId(...parts: string[]): string {
  return sha256Hex(parts.map(normaliseText).join('\n')).slice(0, 16);
}

/** Full lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
