/** `lamini rate`: people rate students' answers in a local web page; ratings go to the results store. */
export { startRateServer, type RateServerHandle, type RateServerOptions } from './server.ts';
export { RatingSession, type AnswerView, type ItemView, type Progress, type RatedStudent, type SessionOptions } from './session.ts';
export { AnswerCache, answerKey, answersFile, type CachedAnswer } from './answers.ts';
export { parseInstructions, readInstructions, type InstructionSet, type RateInstruction } from './instructions.ts';
export { answerOrder } from './order.ts';
export { GRADES, gradeValue, isGrade, type Grade } from './grades.ts';
export { ratePage } from './page.ts';
