/**
 * Generation metrics, each on one (prediction, reference) pair; the task score is their mean.
 *
 * - Exact match and token F1 follow SQuAD's official script (`normalize_answer`: lower case, punctuation removed,
 *   the articles a/an/the removed as words, whitespace collapsed; F1 over the multiset of normalised tokens, and
 *   when either side has no tokens, 1 if both have none else 0). SQuAD removes Python's `string.punctuation`,
 *   which is exactly the ASCII characters of Unicode's punctuation (P*) and symbol (S*) classes; here every
 *   P* and S* character is removed, so ASCII text scores as SQuAD scores it and other scripts lose their
 *   punctuation too.
 * - ROUGE-L is the F-measure of the longest common subsequence of tokens (`rouge_score`'s rougeL: recall
 *   lcs/|reference|, precision lcs/|prediction|, F = 2PR/(P+R), no stemming). Its tokens: lower case, every run
 *   of characters that are not letters (L*) or digits (N*) is a separator. `rouge_score` keeps only [a-z0-9],
 *   which deletes every non-ASCII letter; on ASCII text the two agree.
 */

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = /\b(a|an|the)\b/gu;

/** SQuAD's normalize_answer, with Unicode punctuation and symbols. */
export function normalizeAnswer(text: string): string {
  const lower = text.toLowerCase();
  const noPunct = lower.replace(PUNCTUATION, '');
  const noArticles = noPunct.replace(ARTICLES, ' ');
  return noArticles.split(/\s+/u).filter((t) => t !== '').join(' ');
}

export function exactMatch(prediction: string, reference: string): 0 | 1 {
  return normalizeAnswer(prediction) === normalizeAnswer(reference) ? 1 : 0;
}

/** SQuAD's token F1 over normalised tokens. */
export function tokenF1(prediction: string, reference: string): number {
  const pred = splitTokens(normalizeAnswer(prediction));
  const ref = splitTokens(normalizeAnswer(reference));
  if (pred.length === 0 || ref.length === 0) return pred.length === ref.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      same += 1;
      counts.set(t, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / ref.length;
  return (2 * precision * recall) / (precision + recall);
}

/** ROUGE-L tokens: lower case, split on every run of non-letter, non-digit characters. */
export function rougeTokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t !== '');
}

/** ROUGE-L F-measure; 0 when either side has no tokens (as rouge_score). */
export function rougeL(prediction: string, reference: string): number {
  const pred = rougeTokens(prediction);
  const ref = rougeTokens(reference);
  if (pred.length === 0 || ref.length === 0) return 0;
  const lcs = lcsLength(ref, pred);
  if (lcs === 0) return 0;
  const precision = lcs / pred.length;
  const recall = lcs / ref.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Length of the longest common subsequence, O(|a|·|b|) time, O(|b|) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = x === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, row[j - 1] ?? 0);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function splitTokens(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}
