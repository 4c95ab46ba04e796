/** Turning an operator's dead-letter draft into a DeadLetter record with its source position. */
import { createHash } from 'node:crypto';
import { ErrorCodes, isLaminiError } from '../common/errors.ts';
import type { DeadLetter } from '../schemas/types.ts';
import type { DeadLetterDraft } from './operator.ts';
import type { DeadLetterReason } from './reasons.ts';
import type { ConsumedMessage } from './transport.ts';

const encoder = new TextEncoder();

export function deadLetterRecord(operator: string, draft: DeadLetterDraft, source: ConsumedMessage, now: number): DeadLetter {
  const payload = typeof draft.payload === 'string' ? encoder.encode(draft.payload) : draft.payload;
  // Content-based id: the same failure of the same input, replayed, is the same dead letter. A record
  // of no task (bytes that could not be decoded) is told apart by its source position instead: the
  // same poison bytes written twice are two dead letters, and a redelivered message is still one.
  const hash = createHash('sha256').update(operator).update('\0').update(draft.reason).update('\0')
    .update(String(draft.taskNumber)).update('\0').update(payload);
  if (draft.taskNumber < 0) hash.update('\0').update(`${source.topic}\0${source.partition}\0${source.offset}`);
  const id = hash.digest('hex').slice(0, 32);
  return {
    id,
    operator,
    reason: draft.reason,
    message: draft.message.split('\n')[0] ?? '',
    source_topic: source.topic,
    source_partition: source.partition,
    source_offset: source.offset,
    payload,
    task_number: draft.taskNumber,
    task_outputs: draft.taskOutputs,
    created_at: now,
  };
}

/**
 * The dead-letter reason for a record its codec could not decode: `unknown_schema_id` when the schema
 * registry has no schema with the message's id, `decode_failed` for every other fault of the bytes.
 */
export function decodeFailureReason(error: unknown): DeadLetterReason {
  return isLaminiError(error, ErrorCodes.SCHEMA_UNKNOWN_ID) ? 'unknown_schema_id' : 'decode_failed';
}

/**
 * True when decoding failed for a reason outside the record (the schema registry unreachable, refusing our
 * credentials, or answering nonsense): such a failure stops the operator with its one-line error, and
 * the record is not dead-lettered (it is read again after a restart).
 */
export function isRegistryOutage(error: unknown): boolean {
  return isLaminiError(error) && (error.code === ErrorCodes.SCHEMA_REGISTRY_UNAVAILABLE ||
    error.code === ErrorCodes.SCHEMA_REGISTRY_AUTH || error.code === ErrorCodes.SCHEMA_REGISTRY_FAILED);
}
