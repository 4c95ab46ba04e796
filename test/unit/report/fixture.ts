/**
 * A small but complete data dir for the report tests: examples from five sources and three generation modes
 * (one of them holding HTML that must stay text, in a source of two rows), drops and dead letters by reason over three hours, a teacher
 * ledger with paid, cached, rate-limited and timed-out calls, two checkpoints of one run plus one broken
 * checkpoint, and evaluation results with human ratings. Everything the tests assert is derived from the
 * `FixtureFacts` returned here, never typed in twice.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCorpus } from '../../../corpus/corpus.ts';
import { appendResults, resultId, type ResultRow } from '../../../eval/results.ts';
import type { DeadLetter, Dropped, Example, TeacherRequest } from '../../../schemas/types.ts';
import { TRAINER_STATE_FORMAT, TRAINER_STATE_VERSION, trainerStateJson, type LogEntry, type TrainerState } from '../../../trainers/state.ts';
import { corpusExample } from '../../helpers/corpus-fixture.ts';
import { deadLetter, dropped } from '../corpus/fixtures.ts';

export const HOSTILE_INSTRUCTION = 'Explain </script><script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> in HTML.';
export const HOSTILE_RESPONSE = 'Tags like <b>bold</b> & "quotes" are text here: </textarea></table>';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const MINUTE = 60_000;
const MODES = ['seed', 'example_guided', 'topic_guided'] as const;

export interface FixtureFacts {
  examples: Example[];
  dropped: Dropped[];
  deadLetters: DeadLetter[];
  requests: TeacherRequest[];
  /** The run folder and the steps of its checkpoints. */
  checkpointSteps: number[];
  history: LogEntry[];
  results: ResultRow[];
}

export function fixtureExamples(count: number): Example[] {
  const out: Example[] = [];
  for (let n = 1; n <= count; n++) {
    // Examples 7 and 8 are the only original_p3 rows, so the hostile one is always among the sample rows.
    const text = n === 7 ? { instruction: HOSTILE_INSTRUCTION, response: HOSTILE_RESPONSE, input: '', instruction_source: 'original_p3' }
      : n === 8 ? { instruction_source: 'original_p3' } : {};
    out.push({ ...corpusExample(n, () => text), generation_mode: MODES[n % 3]!, created_at: T0 + n * 3 * MINUTE });
  }
  return out;
}

export async function writeFixture(dataDir: string, options: { examples?: number; results?: boolean } = {}): Promise<FixtureFacts> {
  const examples = fixtureExamples(options.examples ?? 60);
  const dropReasons = ['near_duplicate', 'near_duplicate', 'exact_duplicate', 'filter_too_short', 'echo_of_example'];
  const drops = Array.from({ length: 15 }, (_, i) => dropped(i + 1, { reason: dropReasons[i % dropReasons.length]!, created_at: T0 + i * 11 * MINUTE }));
  const dead = [
    deadLetter(1, { operator: 'respond', reason: 'teacher_timeout', created_at: T0 + 5 * MINUTE }),
    deadLetter(2, { operator: 'respond', reason: 'teacher_timeout', created_at: T0 + 95 * MINUTE }),
    deadLetter(3, { operator: 'generate', reason: 'teacher_no_examples', created_at: T0 + 40 * MINUTE }),
    deadLetter(4, { operator: 'dedup', reason: 'decode_failed', created_at: T0 + 170 * MINUTE }),
  ];
  const statuses = ['ok', 'ok', 'ok', 'cached', 'ok', 'TEACHER_RATE_LIMITED', 'ok', 'cached', 'TEACHER_TIMEOUT', 'ok'];
  const requests: TeacherRequest[] = Array.from({ length: 90 }, (_, i) => {
    const status = statuses[i % statuses.length]!;
    const cached = status === 'cached';
    const paid = status === 'ok';
    return {
      id: `req${i}`, request_hash: `h${i}`, task_number: i, model: i % 4 === 0 ? 'teacher-b' : 'teacher-a', status,
      prompt_tokens: paid || cached ? 100 + i : 0, completion_tokens: paid || cached ? 40 + i : 0,
      cost_usd: paid ? 0.001 * (1 + (i % 5)) : 0, saved_usd: cached ? 0.002 : 0, retries: i % 7 === 0 ? 2 : 0, cached,
      latency_ms: 100 + i, error: paid || cached ? '' : status, created_at: T0 + i * 2 * MINUTE, server_model: '',
    };
  });
  const corpus = await openCorpus(dataDir);
  try {
    // Three commits, so the views read several shards per table.
    await corpus.commit({ examples: examples.slice(0, 20), dropped: drops.slice(0, 5), deadLetters: dead.slice(0, 2), teacherRequests: requests.slice(0, 30), runSeed: 3 });
    await corpus.commit({ examples: examples.slice(20, 40), dropped: drops.slice(5), teacherRequests: requests.slice(30, 60) });
    await corpus.commit({ examples: examples.slice(40), deadLetters: dead.slice(2), teacherRequests: requests.slice(60) });
  } finally {
    await corpus.close();
  }

  const history: LogEntry[] = [];
  for (let step = 0; step <= 40; step += 5) {
    const entry: LogEntry = { step, lr: 1e-3, grad_norm: 1, tokens_per_second: 500, examples: step * 4, epoch: 0, time: new Date(T0 + step * 1000).toISOString() };
    if (step > 0) entry.loss = 4 - step / 20;
    if (step % 20 === 0) entry.eval_loss = 4.2 - step / 25;
    history.push(entry);
  }
  const checkpointSteps = [20, 40];
  for (const step of checkpointSteps) {
    const dir = join(dataDir, 'checkpoints', `checkpoint-${step}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'trainer_state.json'), JSON.stringify(trainerStateJson(trainerState(step, history.filter((h) => h.step <= step)))));
  }
  const broken = join(dataDir, 'checkpoints', 'checkpoint-broken');
  await mkdir(broken, { recursive: true });
  await writeFile(join(broken, 'trainer_state.json'), JSON.stringify({ format: TRAINER_STATE_FORMAT, version: 99 }));

  const results = options.results === false ? [] : evalRows(dataDir, checkpointSteps);
  if (results.length > 0) await appendResults(dataDir, results);
  return { examples, dropped: drops, deadLetters: dead, requests, checkpointSteps, history, results };
}

function trainerState(step: number, history: LogEntry[]): TrainerState {
  return {
    format: TRAINER_STATE_FORMAT, version: TRAINER_STATE_VERSION, step, total_steps: 40,
    cursor: {
      version: 1, seed: 1, epochs: 1, follow: false, shuffleBlock: 64, evalPermille: 10, epoch: 0, fromSeq: 0, toSeq: 3, coveredTo: 3,
      passRows: 60, passDigest: '0123456789abcdef', position: step,
    },
    schedule: { peak: 1e-3, warmup: 5, total: 40, minRatio: 0.1 },
    batch_size: 4, grad_accum: 1, max_grad_norm: 1, optimizer: { name: 'adamw', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
    seed: 1, init: null, examples_seen: step * 4, tokens_seen: step * 400, history,
  };
}

/** Two checkpoints × two tasks, one superseded value, and ratings (one rating changed by its rater). */
function evalRows(dataDir: string, steps: readonly number[]): ResultRow[] {
  const rows: ResultRow[] = [];
  const row = (checkpoint: string, task: string, metric: string, value: number | null, over: Partial<ResultRow> = {}): ResultRow => {
    const base = { run_id: over.run_id ?? 'run1', checkpoint, task, metric, item: over.item ?? null };
    return {
      id: resultId(base), source: 'eval', corpus_seq: 3, corpus_hash: null, value, stderr: metric === 'acc' ? 0.02 : null, n: 50,
      label: null, details: null, created_at: new Date(T0 + rows.length * 1000).toISOString(), ...base, ...over,
    };
  };
  steps.forEach((step, i) => {
    const checkpoint = join(dataDir, 'checkpoints', `checkpoint-${step}`);
    rows.push(row(checkpoint, 'heldout', 'loss', 3.5 - i));
    rows.push(row(checkpoint, 'arc_easy', 'acc', 0.3 + 0.1 * i));
    const grades = i === 0 ? ['A', 'C', 'D', 'D', 'B'] : ['A', 'A', 'B', 'C', 'A'];
    grades.forEach((g, k) => rows.push(row(checkpoint, 'human', 'rating', 4 - 'ABCD'.indexOf(g), { source: 'rate', item: `in${k}`, label: g, n: 1 })));
  });
  // A later run of the same task supersedes its value; a rater changes a D to a B.
  const first = join(dataDir, 'checkpoints', `checkpoint-${steps[0]}`);
  rows.push(row(first, 'arc_easy', 'acc', 0.35, { run_id: 'run2' }));
  rows.push(row(first, 'human', 'rating', 3, { source: 'rate', item: 'in3', label: 'B', n: 1 }));
  return rows;
}
