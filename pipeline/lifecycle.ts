/**
 * How a multi-process pipeline ends (`lamini operator NAME --until-drained`). The planner records in the data
 * dir that it is planning, then that it finished (every task it planned reached the terminal topics). A stage
 * member started with --until-drained stops, and exits 0, once the planner finished after the member started
 * and every group from the first stage up to its own has nothing left to read: the stages before it have
 * sent all they will send, and it has handled all of it. The sink stops once the stages before it are drained
 * and commits what it read last. A member without the flag runs until stopped, as a service.
 *
 *   planner ─finished─▶ generate (tasks lag 0) ─▶ dedup (+ raw lag 0) ─▶ respond (+ unique lag 0) ─▶ sink (commits, exits)
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';
import { readTextIfExists, writeFileAtomic } from '../corpus/fsutil.ts';
import type { StageName } from './stages.ts';

export interface PlanState {
  state: 'planning' | 'finished';
  /** Epoch milliseconds of the change. */
  at: number;
  /** Why planning stopped (`target`, `max_cost`), once finished. */
  stoppedBy?: string;
}

export function planStatePath(dataDir: string): string {
  return join(dataDir, 'pipeline', 'planner.json');
}

export async function writePlanState(dataDir: string, state: PlanState): Promise<void> {
  await mkdir(join(dataDir, 'pipeline'), { recursive: true });
  await writeFileAtomic(planStatePath(dataDir), `${JSON.stringify(state)}\n`);
}

export async function readPlanState(dataDir: string): Promise<PlanState | undefined> {
  const text = await readTextIfExists(planStatePath(dataDir));
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LaminiError(ErrorCodes.CONFIG_INVALID, `${planStatePath(dataDir)} is not JSON (written by the planner; delete it and restart the planner)`);
  }
  if (typeof parsed !== 'object' || parsed === null || !('state' in parsed) || !('at' in parsed)) return undefined;
  const { state, at } = parsed;
  if ((state !== 'planning' && state !== 'finished') || typeof at !== 'number') return undefined;
  const stoppedBy = 'stoppedBy' in parsed && typeof parsed.stoppedBy === 'string' ? parsed.stoppedBy : undefined;
  return { state, at, ...(stoppedBy === undefined ? {} : { stoppedBy }) };
}

/** The groups that must have nothing left to read before a member of `stage` is drained (the sink: its upstream). */
export const DRAINED_WHEN: Readonly<Record<Exclude<StageName, 'planner'>, readonly StageName[]>> = {
  generate: ['generate'],
  dedup: ['generate', 'dedup'],
  respond: ['generate', 'dedup', 'respond'],
  sink: ['generate', 'dedup', 'respond'],
};

export interface DrainWatchOptions {
  stage: Exclude<StageName, 'planner'>;
  dataDir: string;
  /** When this member started: a plan finished before it is an earlier run's. */
  startedAt: number;
  /** Lag per stage's group (messages not committed), read from the broker. */
  readLag: () => Promise<ReadonlyMap<string, number>>;
  intervalMs?: number;
  signal: AbortSignal;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Resolves true once the member is drained, false when `signal` aborts first. */
export async function waitDrained(o: DrainWatchOptions): Promise<boolean> {
  const groups = DRAINED_WHEN[o.stage];
  while (!o.signal.aborted) {
    const plan = await readPlanState(o.dataDir);
    if (plan?.state === 'finished' && plan.at >= o.startedAt) {
      const lag = await o.readLag();
      if (groups.every((g) => lag.get(g) === 0)) return true;
    }
    await o.sleep(o.intervalMs ?? 2_000, o.signal);
  }
  return false;
}
