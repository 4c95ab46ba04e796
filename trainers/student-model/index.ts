/**
 * One interface for every student family (decoder-only GPT-2, encoder-decoder T5 / Flan-T5): open a model
 * folder, score a continuation, generate. The contract is written out in types.ts.
 */
export { openStudent, modelFolder, familyOf, type OpenStudentOptions } from './open.ts';
export type {
  ContinuationScore, FinishReason, GenerateOptions, Generation, ScoreRequest, StudentFamily, StudentModel,
} from './types.ts';
