/**
 * The order answers are shown in: per instruction, a permutation of the students that is a pure function of
 * (seed, instruction id), so a reload, a restart or another machine shows the same order, while across
 * instructions each student lands in every position about equally often. Fisher-Yates over draws taken from
 * sha256(seed, id, counter), 32 bits at a time.
 */
import { createHash } from 'node:crypto';

export function answerOrder(count: number, seed: number, itemId: string): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const draws = drawSource(seed, itemId);
  for (let i = count - 1; i > 0; i--) {
    const j = draws() % (i + 1);
    const a = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = a;
  }
  return order;
}

function drawSource(seed: number, itemId: string): () => number {
  let block = 0;
  let buffer = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + 4 > buffer.length) {
      buffer = createHash('sha256').update(JSON.stringify([seed, itemId, block])).digest();
      block += 1;
      at = 0;
    }
    const v = buffer.readUInt32BE(at);
    at += 4;
    return v;
  };
}
