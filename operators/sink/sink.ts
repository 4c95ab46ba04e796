/**
 * The sink's logic, without I/O: it gathers the terminal records of tasks (examples, dedup drops,
 * dead letters) and the teacher ledger rows of operator processes, skips examples the corpus already holds (idempotent on example id), decides when a
 * shard is due (by rows or age) and which tasks are complete. The corpus adapter writes what `take`
 * returns in one atomic commit, together with the positions it covers.
 */
import type { DeadLetter, Dropped, Example, TeacherRequest } from '../../schemas/types.ts';

export interface SinkOptions {
  maxRows: number;
  maxAgeMs: number;
}

export interface SinkBatch {
  examples: Example[];
  dropped: Dropped[];
  deadLetters: DeadLetter[];
  /** Teacher ledger rows sent by operator processes (one per id). */
  teacherRequests: TeacherRequest[];
  /** Tasks whose every terminal record is in this batch or an earlier one. */
  doneTasks: number[];
  /** Examples skipped because the corpus already had them. */
  skippedDuplicates: number;
}

interface TaskTally {
  expected: number;
  /**
   * Terminal records seen, by kind and id: a record delivered twice (an operator redoing a batch after a
   * crash) counts once, so a task is never done before its last record arrives.
   */
  seen: Set<string>;
}

/** A terminal record's key in its task's tally: kind and id (an example and a drop may share an id). */
export function tallyKey(kind: 'example' | 'dropped' | 'dead_letter', id: string): string {
  return `${kind}:${id}`;
}

export const SINK_ID = 'sink';

export class SinkBuffer {
  readonly #options: SinkOptions;
  readonly #committed: Set<string>;
  readonly #tasks = new Map<number, TaskTally>();
  #examples = new Map<string, Example>();
  #dropped = new Map<string, Dropped>();
  #deadLetters = new Map<string, DeadLetter>();
  #teacherRequests = new Map<string, TeacherRequest>();
  #skipped = 0;
  #firstAt: number | undefined;
  /** Terminal records of open tasks committed before a restart (a durable log resumes after them). */
  readonly #resumed = new Map<number, Set<string>>();
  /** Tasks already done: every task up to `watermark`, and those in `above`. */
  #doneWatermark = -1;
  readonly #doneAbove = new Set<number>();
  #late = 0;

  readonly #onTaskComplete: (task: number, records: number) => void;

  /**
   * `committedExampleIds`: ids already in the corpus (the sink adds to this set as it commits).
   * `onTaskComplete`: told when a task's last terminal record arrives (with how many it had), before it
   * is committed.
   */
  constructor(options: SinkOptions, committedExampleIds: Set<string>, onTaskComplete: (task: number, records: number) => void = () => {}) {
    this.#options = options;
    this.#committed = committedExampleIds;
    this.#onTaskComplete = onTaskComplete;
  }

  get rows(): number {
    return this.#examples.size + this.#dropped.size + this.#deadLetters.size + this.#teacherRequests.size;
  }

  /** Examples waiting for the next commit. */
  get exampleRows(): number {
    return this.#examples.size;
  }

  /** Whether some task is complete and waits to be committed as done. */
  get hasCompleteTasks(): boolean {
    return this.#completeTasks().length > 0;
  }

  /** Tasks seen but not complete. */
  get openTasks(): number {
    let open = 0;
    for (const t of this.#tasks.values()) if (t.seen.size < t.expected) open++;
    return open;
  }

  /** Whether some terminal record of `task` arrived and the task was not committed as done yet. */
  hasSeen(task: number): boolean {
    return this.#tasks.has(task) || this.#resumed.has(task);
  }

  /** Terminal records still to come for the tasks seen but not complete. */
  get openTaskRecordsDue(): number {
    let due = 0;
    for (const t of this.#tasks.values()) if (t.seen.size < t.expected) due += t.expected - t.seen.size;
    return due;
  }

  addExample(e: Example, at: number): void {
    this.#tally(e.task_number, e.task_outputs, tallyKey('example', e.id));
    if (this.#committed.has(e.id) || this.#examples.has(e.id)) {
      this.#skipped++;
      return;
    }
    this.#examples.set(e.id, e);
    this.#firstAt ??= at;
  }

  addDropped(d: Dropped, at: number): void {
    this.#tally(d.task_number, d.task_outputs, tallyKey('dropped', d.id));
    this.#dropped.set(d.id, d);
    this.#firstAt ??= at;
  }

  addDeadLetter(d: DeadLetter, at: number): void {
    if (d.task_number >= 0) this.#tally(d.task_number, d.task_outputs, tallyKey('dead_letter', d.id));
    this.#deadLetters.set(d.id, d);
    this.#firstAt ??= at;
  }

  /** A teacher ledger row: no task's output, committed with the next shard (keep-first by id). */
  addTeacherRequest(r: TeacherRequest, at: number): void {
    if (this.#teacherRequests.has(r.id)) return;
    this.#teacherRequests.set(r.id, r);
    this.#firstAt ??= at;
  }

  /**
   * The terminal records of `task` (keys from `tallyKey`) that an earlier sink committed without finishing
   * the task: on a durable log the sink resumes after them, so they must count toward the task again, and
   * one of them delivered again must not count twice.
   */
  resumeTask(task: number, seen: Iterable<string>): void {
    this.#resumed.set(task, new Set(seen));
  }

  /**
   * Tasks the corpus already counts done (the manifest's watermark and done tasks above it). A terminal
   * record of a done task still arrives now and then: the output of a replayed dead letter (a dead letter
   * is a terminal record of its task, so its task was done without it), or an operator's redo after a
   * crash. It is committed like any other record but does not reopen its task, which would stay open for
   * ever and keep a draining run from its final commit.
   */
  tasksDone(watermark: number, above: Iterable<number>): void {
    this.#doneWatermark = Math.max(this.#doneWatermark, watermark);
    for (const k of above) this.#markDone(k);
  }

  /** Terminal records of tasks that were already done when they arrived (committed, not counted). */
  get lateRecords(): number {
    return this.#late;
  }

  /** Whether a shard should be committed now. */
  due(now: number): boolean {
    if (this.rows >= this.#options.maxRows) return true;
    if (this.#firstAt !== undefined && now - this.#firstAt >= this.#options.maxAgeMs) return true;
    return this.rows === 0 && this.#completeTasks().length > 0;
  }

  take(): SinkBatch {
    const doneTasks = this.#completeTasks();
    for (const k of doneTasks) {
      this.#tasks.delete(k);
      this.#markDone(k);
    }
    const batch: SinkBatch = {
      examples: [...this.#examples.values()],
      dropped: [...this.#dropped.values()],
      deadLetters: [...this.#deadLetters.values()],
      teacherRequests: [...this.#teacherRequests.values()],
      doneTasks,
      skippedDuplicates: this.#skipped,
    };
    for (const e of batch.examples) this.#committed.add(e.id);
    this.#examples = new Map();
    this.#dropped = new Map();
    this.#deadLetters = new Map();
    this.#teacherRequests = new Map();
    this.#skipped = 0;
    this.#firstAt = undefined;
    return batch;
  }

  #tally(task: number, expected: number, key: string): void {
    if (task <= this.#doneWatermark || this.#doneAbove.has(task)) {
      this.#late++;
      return;
    }
    const t = this.#tasks.get(task) ?? { expected, seen: this.#resumed.get(task) ?? new Set<string>() };
    this.#resumed.delete(task);
    this.#tasks.set(task, t);
    t.expected = Math.max(t.expected, expected);
    if (t.seen.has(key)) return;
    t.seen.add(key);
    if (t.seen.size === t.expected) this.#onTaskComplete(task, t.expected);
  }

  #markDone(task: number): void {
    if (task > this.#doneWatermark) this.#doneAbove.add(task);
    while (this.#doneAbove.delete(this.#doneWatermark + 1)) this.#doneWatermark++;
  }

  #completeTasks(): number[] {
    const done: number[] = [];
    for (const [k, t] of this.#tasks) if (t.seen.size >= t.expected) done.push(k);
    return done.sort((a, b) => a - b);
  }
}
