/**
 * Evaluation of students (docs/evaluation.md): task files, harness-exact metrics, scoring through the
 * StudentModel interface, converters from public layouts, and the results store other commands append to.
 */
export { appendResults, readResults, resultFiles, resultsDir, RESULTS_DIR, type ReadResultsOptions } from './results.ts';
export { RESULT_COLUMNS, isResultRow, resultId, rowProblems, type ResultRow } from './result-row.ts';
export { resultsViewSql } from './results-view.ts';
export { evaluateStudent, resultRows, type EvalOptions, type EvalReport, type TaskReport } from './run.ts';
export { formatReport } from './table.ts';
export { promptStyle, shapePrompt, type PromptStyle } from './prompt.ts';
export { corpusSnapshot, type CorpusSnapshot } from './snapshot.ts';
export { parseTask, readTask, type Task, type TaskItem } from './tasks/index.ts';
export { convertFile, FORMATS } from './convert/index.ts';
export { scoreChoiceTask, scoreGenerationTask, scoreHeldout, type MetricValue, type Scorer } from './score/index.ts';
