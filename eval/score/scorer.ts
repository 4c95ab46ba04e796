/**
 * What evaluation needs of a student: the part of trainers/student-model's StudentModel that scores and
 * generates. Scoring code takes this, so its tests can use a scripted double and both families fit.
 */
import type { StudentModel } from '../../trainers/student-model/index.ts';

export type Scorer = Pick<StudentModel, 'scoreContinuations' | 'generate'>;

/** Requests per scoreContinuations call: the student batches inside; this bounds memory and paces progress. */
export const SCORE_CHUNK = 64;
