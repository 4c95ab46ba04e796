/** The dead-letter reason for a failed teacher call: `teacher_<code>` from its LaminiError code. */
import { isLaminiError } from '../common/errors.ts';

export function teacherFailureReason(error: unknown): string {
  return isLaminiError(error) ? `teacher_${error.code.replace(/^TEACHER_/, '').toLowerCase()}` : 'teacher_error';
}
