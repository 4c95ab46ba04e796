/** Scoring through the StudentModel interface: multiple choice, generation, held-out loss. */
export { choiceMetrics, choiceRequests, lengthTexts, scoreChoiceTask, type ChoiceItemResult, type ChoiceTaskResult, type MetricValue } from './choice.ts';
export { generationMetrics, RAW_STOP, scoreAnswer, scoreGenerationTask, type GenerationItemResult, type GenerationOptions } from './generation.ts';
export { heldoutRows, heldoutSplit, scoreHeldout, type HeldoutResult, type HeldoutSplit } from './heldout.ts';
export { SCORE_CHUNK, type Scorer } from './scorer.ts';
