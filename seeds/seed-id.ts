import { contentId } from '../common/hash.ts';

/**
 * A seed's id: `contentId(instruction, input)`, i.e. the first 16 hex chars of the SHA-256 of the NFKC-normalised,
 * whitespace-collapsed, lower-cased instruction and input joined by "\n". Source, subset and output do not
 * count: the same prompt from two files is one seed.
 */
export function seedId(instruction: string, input: string): string {
  return contentId(instruction, input);
}
