/**
 * The live members of a consumer group, read through the admin API on the real broker (issue 15, item 4):
 * two consumers join a group → 2 members, one leaves → 1; and a budget shared through that count follows it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer } from '../../../streams/transport.ts';
import type { KafkaTransport } from '../../../streams/kafka/index.ts';
import { GroupMemberReader } from '../../../streams/kafka/index.ts';
import { BudgetedTeacher } from '../../../teacher/budget.ts';
import { shareBudgetAcrossMembers } from '../../../teacher/budget-share.ts';
import type { ChatReply, Teacher } from '../../../teacher/types.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';

let t: KafkaTransport;
before(async () => {
  t = await kafkaTransport();
});
after(async () => {
  await t.close();
});

/** A member rejoins a rebalancing group when it polls, as a running operator does. */
async function pollUntil(members: readonly Consumer[], check: () => Promise<boolean>, what: string): Promise<void> {
  await waitFor(async () => {
    for (const m of members) await m.poll({ maxMessages: 10, maxWaitMs: 50 });
    return check();
  }, { what, timeoutMs: 30_000 });
}

/** A second member joins while the first polls (its join completes once the first rejoined). */
async function joinWhilePolling(first: Consumer, group: string, topic: string): Promise<Consumer> {
  const joining = t.consumer({ group, topics: [topic] });
  let settled = false;
  void joining.finally(() => (settled = true)).catch(() => {});
  await pollUntil([first], async () => settled, 'the second member to join');
  return joining;
}

class NoTeacher implements Teacher {
  readonly model = 'none';
  readonly structuredOutput = false;
  chat(): Promise<ChatReply> {
    return Promise.reject(new Error('not called'));
  }
  async close(): Promise<void> {}
}

test('two consumers join a group: 2 live members; one leaves: 1; a group nobody joined: 0', async (ctx) => {
  const topic = randomName('members');
  const group = randomName('g');
  const nobody = randomName('g-none');
  await t.createTopics([{ name: topic, partitions: 2 }]);
  const reader = new GroupMemberReader({ brokers: await kafkaBrokers(), clientId: 'lamini-test' }, [group, nobody]);
  const open: Consumer[] = [];
  ctx.after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await reader.close();
  });
  assert.equal(await reader.count(), 0, 'no member before anyone joined');

  const first = await t.consumer({ group, topics: [topic] });
  open.push(first);
  assert.deepEqual((await reader.read()).map((g) => [g.group, g.members]), [[group, 1], [nobody, 0]]);

  const second = await joinWhilePolling(first, group, topic);
  open.push(second);
  await pollUntil([first, second], async () => (await reader.count()) === 2, '2 live members');
  const [g] = await reader.read();
  assert.equal(g?.members, 2);

  await second.close();
  open.pop();
  await pollUntil([first], async () => (await reader.count()) === 1, '1 live member after one left');
  assert.deepEqual((await reader.read()).map((x) => x.members), [1, 0]);
});

test('a budget shared through the group\'s live members follows them: 600 rpm → 300 each → 600', async (ctx) => {
  const topic = randomName('members');
  const group = randomName('g');
  await t.createTopics([{ name: topic, partitions: 2 }]);
  const reader = new GroupMemberReader({ brokers: await kafkaBrokers(), clientId: 'lamini-test' }, [group]);
  const budget = new BudgetedTeacher(new NoTeacher(), { concurrency: 2, rpm: 600, tpm: 0 });
  const controller = new AbortController();
  const lines: string[] = [];
  const open: Consumer[] = [];
  ctx.after(async () => {
    controller.abort();
    await Promise.all(open.map((c) => c.close()));
    await reader.close();
  });
  const first = await t.consumer({ group, topics: [topic] });
  open.push(first);
  const share = shareBudgetAcrossMembers({
    budget, readMembers: () => reader.count(), intervalMs: 200, what: group, log: (l) => lines.push(l), signal: controller.signal,
  });
  await share.ready;
  assert.equal(budget.requests.perMinute, 600, 'one member spends the whole budget');

  const second = await joinWhilePolling(first, group, topic);
  open.push(second);
  await pollUntil([first, second], async () => budget.requests.perMinute === 300, 'the share to halve');

  await second.close();
  open.pop();
  await pollUntil([first], async () => budget.requests.perMinute === 600, 'the share to return');
  controller.abort();
  await share.stopped;
  assert.deepEqual(lines, [
    `budget: 1 live member of ${group}, this member's share: 600 of 600 rpm`,
    `budget: 2 live members of ${group}, this member's share: 300 of 600 rpm`,
    `budget: 1 live member of ${group}, this member's share: 600 of 600 rpm`,
  ]);
});
