/**
 * Reading a whole topic once, from its start to the end it had when the scan began, by a throwaway
 * group that commits nothing (so no operator's progress moves). Bounded: it stops when it has read what
 * the group's lag said was there, or after `idlePolls` empty polls in a row (a retention cut or a
 * compacted log leaves fewer records than the offsets say).
 */
import { randomBytes } from 'node:crypto';
import type { ConsumedMessage, Transport } from './transport.ts';

export interface ScanOptions {
  /** Empty polls of 250 ms in a row after which the scan ends (default 40: 10 s). */
  idlePolls?: number;
  signal?: AbortSignal;
}

export async function scanTopic(transport: Transport, topic: string, each: (m: ConsumedMessage) => void, options: ScanOptions = {}): Promise<void> {
  const idleLimit = options.idlePolls ?? 40;
  const consumer = await transport.consumer({ group: `scan-${randomBytes(6).toString('hex')}`, topics: [topic] });
  try {
    let left = await consumer.lag();
    let idle = 0;
    while (left > 0 && idle < idleLimit && options.signal?.aborted !== true) {
      const batch = await consumer.poll({ maxMessages: 4096, maxWaitMs: 250, ...(options.signal === undefined ? {} : { signal: options.signal }) });
      idle = batch.length === 0 ? idle + 1 : 0;
      left -= batch.length;
      for (const m of batch) each(m);
    }
  } finally {
    await consumer.close();
  }
}

/**
 * The highest task number in the tasks topic (keys are task numbers), -1 when empty: read once from
 * the start by a throwaway group (streams/scan.ts). Tasks are one small record each; retention bounds the scan.
 */
export async function highestPlannedTask(transport: Transport, topic: string): Promise<number> {
  let highest = -1;
  await scanTopic(transport, topic, (m) => {
    const k = Number(m.key);
    if (Number.isInteger(k) && k > highest) highest = k;
  });
  return highest;
}
