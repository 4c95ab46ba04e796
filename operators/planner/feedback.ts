/**
 * How the planner learns that its tasks finished when it runs in a process of its own (`lamini operator
 * planner`): it reads the terminal topics (examples, drops, dead letters) in a group of its own and counts
 * each task's terminal records, as the sink does, but without waiting for a shard to be committed. Every
 * terminal record says how many its task has (`task_outputs`), so a task is finished when that many distinct
 * records arrived. In `lamini run` the sink in the same process tells the planner instead (pipeline/run.ts).
 */
import type { DeadLetter, Dropped, Example, TeacherRequest } from '../../schemas/types.ts';
import { none } from '../../streams/operator.ts';
import { input, type StageInput } from '../../streams/stage.ts';
import { Topics } from '../../streams/topics.ts';

interface Tally {
  expected: number;
  seen: Set<string>;
}

export class TerminalTally {
  readonly #tasks = new Map<number, Tally>();
  #examples = 0;
  /** Teacher spend seen on the ledger topic since `spendSince`, in all and by task. */
  #spentUsd = 0;
  readonly #taskSpentUsd = new Map<number, number>();
  #maxTaskSpentUsd = 0;
  readonly #spendSince: number;
  /** Every task up to here is finished (or was done before the planner started); and those in `#finishedAbove`. */
  #finishedUpTo: number;
  readonly #finishedAbove = new Set<number>();
  readonly #onFinished: (task: number, records: number) => void;

  /**
   * `doneAtStart`: the corpus's task watermark and done tasks above it when the planner started (their late
   * records count for nothing). A finished task leaves the tally; only its number is kept, compacted into the
   * watermark, so a planner running for weeks holds the open tasks and little else.
   */
  constructor(
    doneAtStart: { watermark: number; above: Iterable<number> }, onFinished: (task: number, records: number) => void, spendSince = 0,
  ) {
    this.#spendSince = spendSince;
    this.#finishedUpTo = doneAtStart.watermark;
    for (const k of doneAtStart.above) this.#markFinished(k);
    this.#onFinished = onFinished;
  }

  /** Examples seen of tasks not done at start (one per id). */
  get examples(): number {
    return this.#examples;
  }

  /** Terminal records still owed by the tasks seen in part. */
  get openRecordsDue(): number {
    let due = 0;
    for (const t of this.#tasks.values()) if (t.seen.size < t.expected) due += t.expected - t.seen.size;
    return due;
  }

  /** Teacher spend of the calls made since the planner started, from the operators' ledger rows. */
  get spentUsd(): number {
    return this.#spentUsd;
  }

  taskSpentUsd(task: number): number {
    return this.#taskSpentUsd.get(task) ?? 0;
  }

  get maxTaskSpentUsd(): number {
    return this.#maxTaskSpentUsd;
  }

  hasSeen(task: number): boolean {
    return this.#tasks.has(task);
  }

  /** The inputs that feed the tally: the terminal topics. */
  inputs(): StageInput[] {
    return [
      input(Topics.examples, async (e: Example) => {
        if (this.#count(e.task_number, e.task_outputs, `example:${e.id}`) === 'new') this.#examples++;
        return none();
      }),
      input(Topics.dropped, async (d: Dropped) => {
        this.#count(d.task_number, d.task_outputs, `dropped:${d.id}`);
        return none();
      }),
      input(Topics.dlq, async (d: DeadLetter) => {
        if (d.task_number >= 0) this.#count(d.task_number, d.task_outputs, `dead_letter:${d.id}`);
        return none();
      }),
      // The spend of each call as it is made (--max-cost), not when a shard commits it. A row delivered twice
      // (a member redoing work after a crash) is counted twice: the limit errs on the safe side.
      input(Topics.teacherRequests, async (r: TeacherRequest) => {
        if (r.created_at >= this.#spendSince && r.cost_usd > 0) {
          this.#spentUsd += r.cost_usd;
          const task = (this.#taskSpentUsd.get(r.task_number) ?? 0) + r.cost_usd;
          this.#taskSpentUsd.set(r.task_number, task);
          this.#maxTaskSpentUsd = Math.max(this.#maxTaskSpentUsd, task);
        }
        return none();
      }),
    ];
  }

  /** Counts one terminal record: `new`, a `repeat` of one seen, or `late` (its task is finished). */
  #count(task: number, expected: number, key: string): 'new' | 'repeat' | 'late' {
    if (task <= this.#finishedUpTo || this.#finishedAbove.has(task)) return 'late';
    const t = this.#tasks.get(task) ?? { expected, seen: new Set<string>() };
    this.#tasks.set(task, t);
    t.expected = Math.max(t.expected, expected);
    if (t.seen.has(key)) return 'repeat';
    t.seen.add(key);
    if (t.seen.size === t.expected) {
      this.#tasks.delete(task);
      this.#markFinished(task);
      this.#onFinished(task, t.expected);
    }
    return 'new';
  }

  #markFinished(task: number): void {
    if (task > this.#finishedUpTo) this.#finishedAbove.add(task);
    while (this.#finishedAbove.delete(this.#finishedUpTo + 1)) this.#finishedUpTo++;
  }
}
