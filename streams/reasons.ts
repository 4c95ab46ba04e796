/**
 * The closed list of reason codes a record can end with besides becoming an example: dead-letter reasons (the
 * record could not be handled; replayable after a fix, docs/dead-letters.md) and drop reasons (the record was
 * handled and deliberately not kept). `lamini stats` counts both by code; docs/troubleshooting.md explains each.
 * A new reason is added here first, so every writer and reader of the codes sees the same list.
 */
export const DEAD_LETTER_REASONS = [
  // The runner: bytes it could not read, or an operator that threw.
  'decode_failed', 'unknown_schema_id', 'operator_error',
  // The sink: a record of the dead-letter topic it could not read (kept in the corpus, never sent back).
  'dlq_decode_failed',
  // A teacher call that failed, by the teacher error's code (teacherFailureReason).
  'teacher_http', 'teacher_rate_limited', 'teacher_timeout', 'teacher_bad_reply', 'teacher_unavailable', 'teacher_aborted',
  'teacher_format_unsupported', 'teacher_error',
  // A teacher reply with nothing usable in it.
  'teacher_no_examples', 'teacher_bad_json', 'teacher_truncated', 'teacher_empty_response',
  // A generation task naming a seed this process does not have.
  'seed_missing',
  // A generated instruction that is not text.
  'instruction_empty', 'instruction_no_text', 'instruction_too_long',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const DROP_REASONS = [
  // dedup
  'exact_duplicate', 'near_duplicate', 'already_committed',
  // generate: the teacher repeated itself or an example, or cut an item short
  'echo_of_example', 'repeated_in_reply', 'incomplete_item',
  // generate: generation.filters
  'filter_non_printable', 'filter_too_short', 'filter_too_long', 'filter_few_letters', 'filter_blocklist', 'filter_not_text',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export function isDeadLetterReason(code: string): code is DeadLetterReason {
  return (DEAD_LETTER_REASONS as readonly string[]).includes(code);
}

export function isDropReason(code: string): code is DropReason {
  return (DROP_REASONS as readonly string[]).includes(code);
}
