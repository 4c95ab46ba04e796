/**
 * What `lamini report` puts into the page: aggregates only, never the corpus rows (a few sample rows per
 * source aside). The page's inline JSON block is exactly one `ReportData`; `assets/report.js` draws it.
 * Plain JSON throughout (numbers, strings, arrays, null), so it round-trips through JSON.stringify.
 */
import type { DiversityStats } from '../corpus/diversity.ts';

export interface ReportData {
  /** Bumped when a field changes meaning, so a page can be told from an older one. */
  version: typeof REPORT_DATA_VERSION;
  generated_at: string;
  data_dir: string;
  latest: LatestStats;
  mix: Mix;
  lengths: Lengths;
  timeline: Timeline;
  reasons: Reasons;
  diversity: Diversity;
  training: Training;
  evaluation: Evaluation;
  samples: SourceSamples[];
  /** Milliseconds each part of the report took to gather, for the footer and the benchmark. */
  timings_ms: Record<string, number>;
}

export const REPORT_DATA_VERSION = 1;

export interface LatestStats {
  manifest_sequence: number;
  /** null before the first commit. */
  updated_at: string | null;
  run_seed: number | null;
  task_watermark: number;
  examples: number;
  dropped: number;
  dead_letters: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  teacher: {
    requests: number;
    ok: number;
    cache_hits: number;
    failed: number;
    rate_limited: number;
    retries: number;
    spend_usd: number;
    saved_usd: number;
  };
  /** Per table: shard files, rows, bytes (from the manifest). */
  shards: Array<{ table: string; shards: number; rows: number; bytes: number }>;
}

export interface Mix {
  /** One row per instruction_source seen here or in the configured mix; shares are 0..1. */
  sources: Array<{ source: string; examples: number; share: number; paper_share: number | null; configured_share: number | null }>;
  modes: Array<{ mode: string; examples: number }>;
}

export interface LengthHistogram {
  source: string;
  rows: number;
  /** Rows per bin; bin i holds lengths [i * width, (i + 1) * width), the last one everything above. */
  instruction: number[];
  response: number[];
  instruction_mean: number;
  response_mean: number;
  paper_instruction_mean: number | null;
  paper_response_mean: number | null;
}

export interface Lengths {
  unit: 'whitespace_words';
  /** Words per bin of the instruction and the response histograms (chosen so the 99th percentile fits). */
  instruction_bin_width: number;
  response_bin_width: number;
  bins: number;
  by_source: LengthHistogram[];
}

export interface Series {
  /** ISO start of each bucket. */
  times: string[];
  /** One count per bucket for each key (a reason, a status). */
  by_key: Record<string, number[]>;
}

export interface Timeline {
  /** The bucket width, as DuckDB writes an interval ('1 hour'); null when nothing has a time. */
  bucket: string | null;
  dropped: Series;
  dead_letters: Series;
  teacher: {
    times: string[];
    requests: number[];
    ok: number[];
    cache_hits: number[];
    failed: number[];
    rate_limited: number[];
    retries: number[];
    spend_usd: number[];
    saved_usd: number[];
  };
}

export interface Reasons {
  dropped: Array<{ reason: string; count: number }>;
  dead_letters: Array<{ reason: string; operator: string; count: number }>;
}

export interface Diversity {
  /** null when the corpus has no examples. */
  figures: DiversityStats | null;
  /** Rows the figures were computed on and of how many: a large corpus is sampled. */
  rows: number;
  of: number;
}

export interface LossPoint {
  step: number;
  loss: number | null;
  eval_loss: number | null;
}

export interface TrainingRun {
  /** The folder holding the run's checkpoints (or the checkpoint itself when alone). */
  name: string;
  /** The newest checkpoint of the run, whose history the curve is. */
  checkpoint: string;
  step: number;
  total_steps: number | null;
  examples_seen: number;
  tokens_seen: number;
  checkpoints: string[];
  history: LossPoint[];
}

export interface Training {
  searched: string[];
  runs: TrainingRun[];
  /** Checkpoints that could not be read, with the one-line reason. */
  problems: Array<{ path: string; message: string }>;
}

export interface EvalResult {
  checkpoint: string;
  task: string;
  metric: string;
  value: number;
  stderr: number | null;
  rows: number;
}

export interface Evaluation {
  /** Why nothing is shown, when nothing is (no results view, no rows). */
  note: string | null;
  results: EvalResult[];
  /** Human ratings (A best .. D worst) per checkpoint. */
  ratings: Array<{ checkpoint: string; rating: string; count: number }>;
}

export interface SampleRow {
  id: string;
  generation_mode: string;
  instruction: string;
  response: string;
  created_at: string;
}

export interface SourceSamples {
  source: string;
  rows: SampleRow[];
}
