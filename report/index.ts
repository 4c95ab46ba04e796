/** `lamini report`: one self-contained HTML page of charts over the corpus, training runs and evaluations. */
export { generateReport, type GenerateOptions, type GeneratedReport } from './generate.ts';
export { collectReport, type CollectOptions } from './collect.ts';
export { renderPage, loadAssets, type PageAssets } from './html.ts';
export { escapeHtml, jsonForScript } from './escape.ts';
export { bucketFor, MAX_BUCKETS } from './timeline.ts';
export { DIVERSITY_FULL_ROWS } from './diversity.ts';
export { NO_RESULTS_NOTE } from './evaluation.ts';
export { REPORT_DATA_VERSION, type ReportData } from './data.ts';
