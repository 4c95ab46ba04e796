/**
 * The evaluation split, chosen by id alone: an example is held out when the first four bytes of sha256(id),
 * read as an unsigned integer, fall in the lowest `permille` thousandths. The choice never depends on order,
 * shard or run, so the same example is held out by every trainer, every epoch, every resume.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_EVAL_PERMILLE = 10;

/** True when `id` belongs to the evaluation split (`permille` of 1000; 10 → 1%). */
export function isEvalId(id: string, permille: number = DEFAULT_EVAL_PERMILLE): boolean {
  if (permille <= 0) return false;
  if (permille >= 1000) return true;
  const head = createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0);
  return head % 1000 < permille;
}
