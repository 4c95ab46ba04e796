/**
 * One `lamini eval` run: every task scored on one student, the held-out split if asked, the numbers as result
 * rows (one per task and metric) appended to the results store. The caller opens and disposes the student.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { describeError, ErrorCodes, isLaminiError } from '../common/errors.ts';
import type { TrainRow } from '../trainers/data/index.ts';
import type { StudentModel } from '../trainers/student-model/index.ts';
import { appendResults, resultId, type ResultRow } from './results.ts';
import {
  heldoutRows, heldoutSplit, scoreChoiceTask, scoreGenerationTask, scoreHeldout,
  type ChoiceItemResult, type GenerationItemResult, type HeldoutSplit, type MetricValue,
} from './score/index.ts';
import { corpusSnapshot, type CorpusSnapshot } from './snapshot.ts';
import type { PromptStyle } from './prompt.ts';
import type { ChoiceItem, GenerationItem, PartialItem, Task, TaskKind } from './tasks/index.ts';

export interface EvalOptions {
  dataDir: string;
  style: PromptStyle;
  /** Score only the first N items of each task (the harness's --limit). */
  limit?: number;
  maxNewTokens: number;
  /** Held-out rows to score (0: none). */
  heldout: number;
  /**
   * When the held-out rows cannot be read (a shard missing or changed: the data dir is not the corpus the
   * checkpoint was trained on), fail (true) or log and go on without them (false, the default: the caller
   * did not ask for them explicitly).
   */
  heldoutRequired?: boolean;
  /** Keep each item's scores in the report (`samples`), as the harness's --log_samples. Default false. */
  samples?: boolean;
  /** Append the rows to the results store (default true). */
  record?: boolean;
  log?: (line: string) => void;
}

export interface TaskReport {
  task: string;
  kind: TaskKind;
  hash: string;
  items: number;
  seconds: number;
  metrics: MetricValue[];
  /** Per item: log-likelihood of each choice and the picks, or the generated answer and its scores. */
  samples?: Array<ChoiceItemResult | GenerationItemResult>;
}

export interface EvalReport {
  run_id: string;
  checkpoint: string;
  family: StudentModel['family'];
  backend: string;
  corpus: CorpusSnapshot;
  style: PromptStyle;
  tasks: TaskReport[];
  heldout: { split: HeldoutSplit; rows: number; tokens: number; skipped: number; metrics: MetricValue[] } | null;
  /** The results file written, or null (nothing to record, or record: false). */
  results_file: string | null;
}

export async function evaluateStudent(student: StudentModel, tasks: readonly Task[], options: EvalOptions): Promise<EvalReport> {
  const log = options.log ?? (() => undefined);
  const runId = randomUUID();
  const checkpoint = resolve(student.dir);
  const corpus = await corpusSnapshot(options.dataDir);
  // The held-out rows are read first: a corpus that does not match fails (or is skipped) before minutes of scoring.
  const held = options.heldout > 0 ? await readHeldout(student.dir, options, log) : undefined;
  const reports: TaskReport[] = [];
  for (const task of tasks) {
    const items = options.limit === undefined ? task.items : task.items.slice(0, options.limit);
    const started = performance.now();
    log(`${task.name}: ${items.length} ${task.kind} items`);
    const scored = await scoreTask(student, task.kind, items, options);
    reports.push({
      task: task.name, kind: task.kind, hash: task.hash, items: items.length, seconds: (performance.now() - started) / 1000,
      metrics: scored.metrics, ...(options.samples === true ? { samples: scored.items } : {}),
    });
  }
  let heldout: EvalReport['heldout'] = null;
  if (held !== undefined) {
    log(`held-out: ${held.rows.length} rows of the evaluation split (snapshot ${held.split.snapshot}, ${held.split.permille}‰)`);
    const endText = student.tokenizer.decode([student.tokenizer.eosId]);
    const result = await scoreHeldout(student, held.rows, endText, held.split);
    heldout = { split: held.split, rows: result.rows, tokens: result.tokens, skipped: result.skipped, metrics: result.metrics };
  }
  const report: EvalReport = {
    run_id: runId, checkpoint, family: student.family, backend: student.backend, corpus, style: options.style,
    tasks: reports, heldout, results_file: null,
  };
  if (options.record !== false) {
    const file = await appendResults(options.dataDir, resultRows(report, options));
    report.results_file = file ?? null;
  }
  return report;
}

async function readHeldout(
  checkpointDir: string, options: EvalOptions, log: (line: string) => void,
): Promise<{ split: HeldoutSplit; rows: TrainRow[] } | undefined> {
  try {
    const split = await heldoutSplit(options.dataDir, checkpointDir);
    const rows = await heldoutRows(options.dataDir, split, options.heldout);
    if (rows.length > 0) return { split, rows };
    log('held-out: the corpus has no evaluation rows at this snapshot; skipped');
    return undefined;
  } catch (error) {
    const mismatch = isLaminiError(error, ErrorCodes.SHARD_MISSING) || isLaminiError(error, ErrorCodes.SHARD_CHANGED);
    if (!mismatch || options.heldoutRequired === true) throw error;
    log(`held-out: skipped, the corpus in ${options.dataDir} is not the one the checkpoint was trained on (${describeError(error)})`);
    return undefined;
  }
}

async function scoreTask(
  student: StudentModel, kind: TaskKind, items: Task['items'], options: EvalOptions,
): Promise<{ metrics: MetricValue[]; items: Array<ChoiceItemResult | GenerationItemResult> }> {
  if (kind === 'generation') {
    const generation = items.filter((i): i is GenerationItem => i.kind === 'generation');
    return scoreGenerationTask(student, generation, options.style, { maxNewTokens: options.maxNewTokens });
  }
  const choice = items.filter((i): i is ChoiceItem | PartialItem => i.kind !== 'generation');
  return scoreChoiceTask(student, choice, options.style);
}

/** One row per task and metric, and per held-out metric (task `heldout`). */
export function resultRows(report: EvalReport, options: Pick<EvalOptions, 'limit' | 'maxNewTokens'>): ResultRow[] {
  const created = new Date().toISOString();
  const base = {
    run_id: report.run_id, source: 'eval', checkpoint: report.checkpoint, corpus_seq: report.corpus.seq,
    corpus_hash: report.corpus.hash, item: null, label: null, created_at: created,
  };
  const row = (task: string, m: MetricValue, details: Record<string, unknown>): ResultRow => ({
    ...base,
    id: resultId({ run_id: report.run_id, checkpoint: report.checkpoint, task, metric: m.metric, item: null }),
    task,
    metric: m.metric,
    value: Number.isFinite(m.value) ? m.value : null,
    stderr: m.stderr !== null && Number.isFinite(m.stderr) ? m.stderr : null,
    n: m.n,
    details,
  });
  const settings = { family: report.family, backend: report.backend, wrapper: report.style.wrapper, delimiter: report.style.delimiter };
  const rows = report.tasks.flatMap((t) => t.metrics.map((m) => row(t.task, m, {
    ...settings, task_hash: t.hash, kind: t.kind, limit: options.limit ?? null,
    ...(t.kind === 'generation' ? { max_new_tokens: options.maxNewTokens } : {}),
  })));
  if (report.heldout !== null) {
    const h = report.heldout;
    rows.push(...h.metrics.map((m) => row('heldout', m, {
      ...settings, snapshot: h.split.snapshot, permille: h.split.permille, split_from: h.split.from, tokens: h.tokens, skipped: h.skipped,
    })));
  }
  return rows;
}
