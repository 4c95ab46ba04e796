/**
 * The live members of consumer groups, read from outside through the admin API (DescribeGroups, as lag.ts
 * reads them): nothing here joins a group, so reading never triggers a rebalance. A reader keeps one admin
 * client open between reads, for a caller that re-reads every few seconds (teacher/budget-share.ts).
 *
 * A member counts from its JoinGroup until it leaves (a clean close sends LeaveGroup) or its session times
 * out (a killed process: `sessionTimeoutMs` later).
 */
import type { Admin } from '@platformatic/kafka';
import { withRetry } from './errors.ts';
import { resolveKafkaOptions, type KafkaTransportOptions } from './options.ts';
import { createAdmin } from './transport.ts';

export interface GroupMembers {
  group: string;
  /** The broker's group state (`Stable`, `PreparingRebalance`, `Empty`, `Dead` for an unknown group, …). */
  state: string;
  members: number;
}

/** One DescribeGroups for `groups`, in the order given; a group the broker does not know has 0 members. */
export async function describeGroupMembers(admin: Admin, groups: readonly string[]): Promise<GroupMembers[]> {
  if (groups.length === 0) return [];
  const described = await admin.describeGroups({ groups: [...new Set(groups)] });
  return groups.map((group) => {
    const d = described.get(group);
    return { group, state: d?.state ?? 'Unknown', members: d?.members.size ?? 0 };
  });
}

export interface GroupMemberReaderSettings {
  /** How long one read retries an unreachable broker before it fails (default 5 s: the next read comes soon). */
  retryCapMs?: number;
}

export class GroupMemberReader {
  readonly groups: readonly string[];
  readonly #admin: Admin;
  readonly #retryCapMs: number;

  constructor(options: KafkaTransportOptions, groups: readonly string[], settings: GroupMemberReaderSettings = {}) {
    this.groups = [...groups];
    this.#admin = createAdmin(resolveKafkaOptions(options));
    this.#retryCapMs = settings.retryCapMs ?? 5_000;
  }

  /** Each group's members now; throws TRANSPORT_UNAVAILABLE when the broker stays unreachable. */
  read(): Promise<GroupMembers[]> {
    return withRetry('describe groups', () => describeGroupMembers(this.#admin, this.groups), { capMs: this.#retryCapMs });
  }

  /** The members of all the groups together (the processes spending one budget). */
  async count(): Promise<number> {
    return (await this.read()).reduce((n, g) => n + g.members, 0);
  }

  async close(): Promise<void> {
    await this.#admin.close().catch(() => {});
  }
}
