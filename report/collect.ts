/**
 * Gathers everything the report shows from one read-only snapshot of the corpus (the manifest current when it
 * opens; later commits are not seen) plus the checkpoints found on disk. Each part is timed.
 */
import { join, resolve } from 'node:path';
import { openReadOnly } from '../corpus/views.ts';
import { findTrainingRuns } from './checkpoints.ts';
import { latestStats, lengthFigures, mixFigures, sampleRows } from './corpus-figures.ts';
import { REPORT_DATA_VERSION, type ReportData } from './data.ts';
import { diversityFigures, DIVERSITY_FULL_ROWS } from './diversity.ts';
import { evaluationFigures } from './evaluation.ts';
import { reasonFigures, timelineFigures } from './timeline.ts';

export interface CollectOptions {
  dataDir: string;
  /** The configured generation.mix (shares per instruction_source), charted beside the paper's. */
  mix: Record<string, number>;
  /** Folders to look for checkpoints in; default `<dataDir>/checkpoints`. */
  checkpoints?: readonly string[];
  /** Rows above which diversity is computed on a sample (default DIVERSITY_FULL_ROWS). */
  diversityRows?: number;
  now?: () => Date;
}

export async function collectReport(options: CollectOptions): Promise<ReportData> {
  const dataDir = resolve(options.dataDir);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, part: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await part();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const searched = options.checkpoints !== undefined && options.checkpoints.length > 0 ? options.checkpoints : [join(dataDir, 'checkpoints')];
  const corpus = await timed('open', () => openReadOnly(dataDir));
  try {
    const { conn, manifest } = corpus;
    const latest = await timed('latest', () => latestStats(conn, manifest));
    const mix = await timed('mix', () => mixFigures(conn, options.mix));
    const lengths = await timed('lengths', () => lengthFigures(conn));
    const timeline = await timed('timeline', () => timelineFigures(conn));
    const reasons = await timed('reasons', () => reasonFigures(conn));
    const diversity = await timed('diversity', () => diversityFigures(conn, options.diversityRows ?? DIVERSITY_FULL_ROWS));
    const samples = await timed('samples', () => sampleRows(conn));
    const evaluation = await timed('evaluation', () => evaluationFigures(conn, dataDir));
    const training = await timed('training', () => findTrainingRuns(searched, dataDir));
    return {
      version: REPORT_DATA_VERSION,
      generated_at: (options.now?.() ?? new Date()).toISOString(),
      data_dir: dataDir,
      latest, mix, lengths, timeline, reasons, diversity, training, evaluation, samples,
      timings_ms: timings,
    };
  } finally {
    await corpus.close();
  }
}
