/** The dead-letter reason for a failed teacher call: `teacher_<code>` from its TEACHER_* error code. */
import { isLaminiError } from '../common/errors.ts';
import { isDeadLetterReason, type DeadLetterReason } from '../streams/reasons.ts';

export function teacherFailureReason(error: unknown): DeadLetterReason {
  if (!isLaminiError(error) || !error.code.startsWith('TEACHER_')) return 'teacher_error';
  const reason = `teacher_${error.code.replace(/^TEACHER_/, '').toLowerCase()}`;
  return isDeadLetterReason(reason) ? reason : 'teacher_error';
}
