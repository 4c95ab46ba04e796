/** Scores: multiple-choice accuracy as lm-evaluation-harness computes it, generation metrics, aggregates. */
export { argmax, charLength, scoreChoices, type ChoiceScore } from './multiple-choice.ts';
export { exactMatch, lcsLength, normalizeAnswer, rougeL, rougeTokens, tokenF1 } from './text.ts';
export { mean, meanStderr, sampleStddev } from './stats.ts';
