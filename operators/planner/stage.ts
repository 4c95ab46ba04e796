/**
 * The planner as a stage of the runner: a source that produces numbered generation tasks while the plan
 * window (window.ts) has room, and stops when the target is reached or a limit says so. What it learns about
 * its tasks comes from outside: the sink in the same process (`lamini run`), or the terminal topics it reads
 * itself (feedback.ts, `lamini operator planner`). Either way it hears of a finished task as soon as its last
 * terminal record arrives, not when a shard is committed, so planning never waits for the sink's commits.
 */
import type { GenerationTask } from '../../schemas/types.ts';
import type { Emission } from '../../streams/operator.ts';
import type { Produced, Stage, StageInput } from '../../streams/stage.ts';
import { Topics } from '../../streams/topics.ts';
import type { Planner } from './planner.ts';
import { askedBy, type PlanWindow } from './window.ts';

export const PLANNER_ID = 'planner';

/** Why planning stopped: the target was reached, a spending limit, or the caller stopped it (a stall, Ctrl-C). */
export type PlanStop = 'target' | 'max_cost' | 'stalled' | 'interrupted';

export interface PlannerStageOptions {
  planner: Planner;
  window: PlanWindow;
  target: number;
  /** The first task number to plan; numbers in `done` are skipped (done before this run). */
  firstTask: number;
  done: ReadonlySet<number>;
  /** Examples this run made so far, as the feedback knows them. */
  made(): number;
  /** Terminal records still owed by tasks seen in part. */
  openRecordsDue(): number;
  /** Whether some terminal record of the task arrived. */
  hasSeen(task: number): boolean;
  /** Checked before each task: a reason to stop planning now. */
  stopBefore?(inFlight: Iterable<number>, finishedTasks: number): PlanStop | undefined;
  onPlanned?(task: GenerationTask): void;
  /** The feedback's inputs when the planner reads the terminal topics itself. */
  inputs?: readonly StageInput[];
  /** Finish only once every task it planned has finished (a planner process); else as soon as planning stops. */
  finishWhenDrained: boolean;
}

export class PlannerStage implements Stage {
  readonly id = PLANNER_ID;
  readonly ordered = true;
  readonly concurrency = 1;
  readonly inputs: readonly StageInput[];
  readonly #o: PlannerStageOptions;
  /** Tasks planned by this run and not finished, with the instructions each asked for. */
  readonly #inFlight = new Map<number, number>();
  readonly #finished = { tasks: 0, records: 0, asked: 0 };
  #next: number;
  #stopped: PlanStop | undefined;

  constructor(options: PlannerStageOptions) {
    this.#o = options;
    this.inputs = options.inputs ?? [];
    this.#next = options.firstTask;
  }

  /** A task's last terminal record arrived, `records` in all; true when it was one this planner planned. */
  taskFinished(task: number, records: number): boolean {
    const asked = this.#inFlight.get(task);
    if (asked === undefined) return false;
    this.#inFlight.delete(task);
    this.#finished.tasks++;
    this.#finished.records += records;
    this.#finished.asked += asked;
    return true;
  }

  /** Stops planning (tasks in flight still finish). The first reason given is kept. */
  stop(reason: PlanStop): void {
    this.#stopped ??= reason;
  }

  get stoppedBy(): PlanStop | undefined {
    return this.#stopped;
  }

  async produce(): Promise<Produced> {
    const o = this.#o;
    if (this.#stopped === undefined && o.made() >= o.target) this.#stopped = 'target';
    if (this.#stopped !== undefined) return { emit: [], finished: !o.finishWhenDrained || this.#inFlight.size === 0 };
    const emit: Emission[] = [];
    while (this.#room()) {
      const stop = o.stopBefore?.(this.#inFlight.keys(), this.#finished.tasks);
      if (stop !== undefined) {
        this.#stopped = stop;
        break;
      }
      while (o.done.has(this.#next)) this.#next++;
      const task = o.planner.task(this.#next);
      this.#inFlight.set(task.task_number, askedBy(task));
      this.#next++;
      o.onPlanned?.(task);
      emit.push({ topic: Topics.tasks, key: String(task.task_number), record: task });
    }
    return { emit, finished: false };
  }

  #room(): boolean {
    let unseenAsked = 0;
    for (const [k, asked] of this.#inFlight) if (!this.#o.hasSeen(k)) unseenAsked += asked;
    return this.#o.window.allows({
      inFlight: this.#inFlight.size, made: this.#o.made(), openRecordsDue: this.#o.openRecordsDue(), unseenAsked,
      finishedTasks: this.#finished.tasks, finishedRecords: this.#finished.records, finishedAsked: this.#finished.asked,
    });
  }
}
