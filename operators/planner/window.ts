/**
 * Whether the planner may put one more generation task in flight. A task is in flight from the moment
 * it is planned until the sink has seen all its terminal records. On Kafka every task crosses four
 * topic hops, so throughput is (tasks in flight × records per task) / (time a task takes to go
 * through): a window sized for the teacher's concurrency alone leaves the pipeline idle between hops
 * (docs/decisions/0008). A wide window must not overshoot the target, though: every task planned past
 * what the target needs is teacher spend nobody asked for. So a task is planned only while
 *
 *   tasks in flight < window, and
 *   made + records due from open tasks + instructions asked of unseen tasks × records per instruction asked < target
 *
 * where "open" tasks are those the sink has seen part of (each record says how many its task has, so
 * what they still owe is known), and "unseen" ones have not reached the sink yet: for those the
 * planner knows how many instructions it asked for (a seed task asks for one), and finished tasks say
 * how many records an instruction asked for turns into. Counting asked instructions rather than tasks
 * matters: tasks differ twentyfold in size, and the small ones finish first. Before any task has
 * finished the window is `start` (twice the teacher concurrency, the window runs had before), so a
 * small `--target` never floods a slow teacher, and each instruction asked for counts as one record (none
 * can make more): without that, `--target 20` once planned 8 tasks of 20 instructions before the first
 * finished, and committed 225 examples.
 */
export interface PlanWindowOptions {
  /** Tasks in flight at most. */
  window: number;
  /** Tasks in flight at most until the first task has finished. */
  start: number;
  target: number;
}

export interface PlanState {
  /** Tasks planned by this run and not finished. */
  inFlight: number;
  /** Examples this run produced (committed, being committed, or waiting in the sink). */
  made: number;
  /** Terminal records still owed by tasks the sink has seen part of. */
  openRecordsDue: number;
  /** Instructions asked of the tasks in flight that have not reached the sink yet. */
  unseenAsked: number;
  /** Tasks of this run whose terminal records all arrived, how many records and asked instructions those were. */
  finishedTasks: number;
  finishedRecords: number;
  finishedAsked: number;
}

export class PlanWindow {
  readonly #window: number;
  readonly #start: number;
  readonly #target: number;

  constructor(options: PlanWindowOptions) {
    this.#window = Math.max(1, Math.floor(options.window));
    this.#start = Math.max(1, Math.min(this.#window, Math.floor(options.start)));
    this.#target = options.target;
  }

  allows(s: PlanState): boolean {
    if (s.made >= this.#target) return false;
    const started = s.finishedTasks > 0;
    if (s.inFlight >= (started ? this.#window : this.#start)) return false;
    const perAsked = started ? s.finishedRecords / Math.max(1, s.finishedAsked) : 1;
    return s.made + s.openRecordsDue + s.unseenAsked * perAsked < this.#target;
  }
}

/** Instructions a task asks for: `count`, or one for a seed task (it answers its seed). */
export function askedBy(task: { count: number }): number {
  return Math.max(1, task.count);
}

/**
 * The default window: twice the teacher concurrency per member of the stateless operators; on Kafka
 * four times that again, to cover the hops (measured with bench/kafka/e2e.ts, decision 0008).
 */
export function defaultPlanWindow(concurrency: number, instances: number, transport: 'embedded' | 'kafka'): number {
  const base = Math.max(2, concurrency * 2) * Math.max(1, instances);
  return transport === 'kafka' ? base * 4 : base;
}

/**
 * A run's window: `run.maxTasksInFlight` when it is set, else `defaultWindow`; before any task finished, twice the
 * teacher concurrency (at least 2).
 */
export function planWindow(o: { maxTasksInFlight: number; defaultWindow: number; concurrency: number; target: number }): PlanWindow {
  return new PlanWindow({
    window: o.maxTasksInFlight > 0 ? o.maxTasksInFlight : o.defaultWindow,
    start: Math.max(2, o.concurrency * 2),
    target: o.target,
  });
}
