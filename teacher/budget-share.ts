/**
 * One teacher budget spent by several processes (the members of a stage's consumer group): each keeps
 * rpm / tpm = budget / live members, re-read every few seconds, so N members together stay within the
 * budget instead of spending N times it. Concurrency stays per process (it bounds this process's calls in
 * flight, not the account's rate). A 429's pause reaches the other members only if the caller relays it:
 * `budget.onRateLimited` gives each pause to publish, `acceptPeerPause` takes one received. See docs/budgets.md.
 */
import { describeError, ErrorCodes, LaminiError } from '../common/errors.ts';
import { sleepMs } from '../common/retry.ts';
import type { BudgetedTeacher, BudgetShare, RateLimitPause, ShareFloor } from './budget.ts';

/** What of a BudgetedTeacher the share uses (a chain's is `chain.budget`). */
export type SharedBudget = Pick<BudgetedTeacher, 'shareAmong' | 'share'>;

export interface ShareBudgetOptions {
  budget: SharedBudget;
  /** The live members spending the budget, this process included (its consumer group's member count). */
  readMembers: () => Promise<number>;
  /** Between reads (default 5 s). */
  intervalMs?: number;
  /** Whose members, for the log lines (the group's name). */
  what: string;
  /** The least share a member keeps a minute (default DEFAULT_SHARE_FLOOR: 1 rpm, 100 tpm). */
  floor?: ShareFloor;
  /** One line when the share changes, one when the members cannot be read and one when they can again. */
  log: (line: string) => void;
  /** Stops the re-reading. */
  signal: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface BudgetShareHandle {
  /** Settles once the first read was applied (or failed); never rejects. Await it before the first call. */
  ready: Promise<void>;
  /** Settles once `signal` aborted and the re-reading stopped; never rejects. */
  stopped: Promise<void>;
}

export const DEFAULT_SHARE_INTERVAL_MS = 5_000;

/**
 * Keeps `budget` at its share among the live members until `signal` aborts. A count below 1 (this process
 * has not joined yet, or the group is between generations) counts as 1; a failed read keeps the share.
 */
export function shareBudgetAcrossMembers(options: ShareBudgetOptions): BudgetShareHandle {
  const { budget, readMembers, what, log, signal } = options;
  const intervalMs = options.intervalMs ?? DEFAULT_SHARE_INTERVAL_MS;
  const sleep = options.sleep ?? sleepMs;
  let failing = false;
  let first = true;

  const readOnce = async (): Promise<void> => {
    let read: number;
    try {
      read = await readMembers();
      if (!Number.isFinite(read)) throw new LaminiError(ErrorCodes.INTERNAL, `read ${String(read)} members`);
    } catch (error) {
      if (!failing) log(`budget: cannot read the members of ${what} (keeping the share: ${describeShare(budget.share)}): ${describeError(error)}`);
      failing = true;
      return;
    }
    if (failing) log(`budget: the members of ${what} can be read again`);
    failing = false;
    const members = Math.max(1, Math.floor(read));
    if (!first && members === budget.share.members) return;
    first = false;
    if (options.floor === undefined) budget.shareAmong(members);
    else budget.shareAmong(members, options.floor);
    log(`budget: ${members} live member${members === 1 ? '' : 's'} of ${what}, this member's share: ${describeShare(budget.share)}`);
  };

  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const stopped = (async () => {
    try {
      if (!signal.aborted) await readOnce();
      markReady();
      while (!signal.aborted) {
        await sleep(intervalMs, signal);
        if (signal.aborted) break;
        await readOnce();
      }
    } finally {
      markReady();
    }
  })();
  return { ready, stopped };
}

/**
 * Take a pause another member relayed (its `onRateLimited`): never past the pause's end, and never longer
 * than its Retry-After (at most `maxMs`) from now, so a late message or a skewed clock costs little.
 * Returns whether a pause was taken (false for one already over).
 */
export function acceptPeerPause(
  budget: Pick<BudgetedTeacher, 'pauseUntil'>, pause: RateLimitPause, options: { now?: () => number; maxMs?: number } = {},
): boolean {
  const now = (options.now ?? Date.now)();
  const until = Math.min(pause.untilMs, now + Math.min(pause.retryAfterMs, options.maxMs ?? 60_000));
  if (!(until > now)) return false;
  budget.pauseUntil(until);
  return true;
}

/** `200 of 600 rpm and 50000 of 150000 tpm`, with what the floor did. */
export function describeShare(share: BudgetShare): string {
  const parts: string[] = [];
  if (share.limitRpm > 0) parts.push(`${num(share.rpm)} of ${num(share.limitRpm)} rpm`);
  if (share.limitTpm > 0) parts.push(`${num(share.tpm)} of ${num(share.limitTpm)} tpm`);
  if (parts.length === 0) return 'no rpm or tpm limit yet (a limit the server states is shared when it comes)';
  const floored = share.floored ? ', raised to the floor (the members together may spend more than the budget)' : '';
  return `${parts.join(' and ')}${floored}`;
}

const num = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
