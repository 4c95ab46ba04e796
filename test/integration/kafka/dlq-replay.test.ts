/**
 * `lamini dlq replay` on the real broker against the scripted teacher. A Kafka run whose teacher answers
 * 500 to the response calls of some instructions (no retries) leaves them as `teacher_http` dead letters,
 * beside one poison record (`decode_failed`). The teacher is fixed; `dlq replay --reason teacher_http`
 * sends the failed instructions back to their topic; a respond and a sink process then land the missing
 * examples in the corpus, each id once, with the task accounting unchanged. A second replay sends none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../corpus/index.ts';
import { Topics } from '../../../streams/topics.ts';
import { lamini, startLamini, type LaminiProcess } from '../../helpers/cli.ts';
import { kafkaBrokers, kafkaTransport, randomName, waitFor } from '../../helpers/kafka.ts';
import { isGenerationRequest, startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

async function query<T>(dir: string, sql: string): Promise<T[]> {
  const r = await lamini(['query', sql, '--format', 'json', '--data-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T[];
}

test('dlq replay: failed response calls become dead letters; after the fix a replay lands the missing examples once each; a second replay sends none', async () => {
  const brokers = (await kafkaBrokers()).join(',');
  let failing = true;
  const teacher = await startScriptedTeacher({
    script: (ctx) => {
      const user = ctx.request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
      if (failing && !isGenerationRequest(ctx.request) && /volcanoes|black holes/.test(user)) return { kind: 'status', status: 500 };
      return ctx.fallback();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-kafka-dlq-'));
  const prefix = `${randomName('lamini-dlq')}.`;
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 40, maxAgeMs: 300 }, teacher: { concurrency: 4, maxRetries: 0 },
    kafka: { topicPrefix: prefix, partitions: 2, sessionTimeoutMs: 3000 },
  }));
  const base = ['--data-dir', dir, '--config', config];
  const kafka = ['--transport', 'kafka', '--brokers', brokers];
  const teacherArgs = ['--teacher-url', teacher.baseURL, '--model', 'scripted'];
  const procs: LaminiProcess[] = [];
  try {
    // A poison record in respond's input: a decode_failed letter that no fix of the teacher makes replayable.
    const t = await kafkaTransport();
    await t.createTopics([{ name: `${prefix}${Topics.instructionsUnique}`, partitions: 2 }]);
    await t.producer().send(`${prefix}${Topics.instructionsUnique}`, [{ key: 'poison', value: new TextEncoder().encode('not avro') }]);
    await t.close();

    const run = await lamini(['run', ...kafka, '--target', '60', '--quiet', ...base, ...teacherArgs], {}, 180_000);
    assert.equal(run.code, 0, run.stderr);
    const reasons = await query<{ operator: string; reason: string; n: number }>(dir, 'select operator, reason, count(*) as n from dead_letters group by all order by all');
    assert.deepEqual(reasons.map((r) => `${r.operator} ${r.reason}`), ['respond decode_failed', 'respond teacher_http']);
    assert.equal(reasons[0]!.n, 1);
    const failed = (await query<{ instruction_id: string }>(dir,
      "select json_extract_string(decode(payload), '$.id') as instruction_id from dead_letters where reason = 'teacher_http'")).map((r) => r.instruction_id);
    assert.equal(failed.length, reasons[1]!.n);
    assert.equal(new Set(failed).size, failed.length);
    const before = await readManifest(dir);
    assert.equal(before.progress.done_tasks_above.length, 0);
    const examplesBefore = before.totals.examples;

    const dry = await lamini(['dlq', 'replay', '--dry-run', '--json', ...kafka, ...base]);
    assert.equal(dry.code, 0, dry.stderr);
    const counts = JSON.parse(dry.stdout) as { replayed: number; notReplayable: number; byReason: Record<string, { notReplayable: number }> };
    assert.equal(counts.replayed, failed.length);
    assert.equal(counts.byReason['decode_failed']?.notReplayable, 1);

    failing = false;
    const replay = await lamini(['dlq', 'replay', '--reason', 'teacher_http', ...kafka, ...base]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(replay.stdout.trim(), `replayed ${failed.length} dead letters (teacher_http ${failed.length}); 1 skipped; 0 not replayable`);

    procs.push(startLamini(['operator', 'respond', '--brokers', brokers, ...base, ...teacherArgs]), startLamini(['operator', 'sink', '--brokers', brokers, ...base]));
    const want = examplesBefore + failed.length;
    await waitFor(async () => (await readManifest(dir)).totals.examples >= want, {
      timeoutMs: 90_000, intervalMs: 250, what: `the replayed examples (${procs.map((p) => p.stderr().slice(-1000)).join(' | ')})`,
    });
    for (const p of procs) p.child.kill('SIGTERM');
    // A graceful stop by SIGTERM exits 0 (issue 15, item 11: supervisors read 130 as a failure).
    assert.deepEqual(await Promise.all(procs.map((p) => p.exited)), [0, 0]);

    const examples = await query<{ id: string; instruction_id: string }>(dir, 'select id, instruction_id from examples');
    assert.equal(examples.length, want, 'exactly the missing examples were added');
    assert.equal(new Set(examples.map((e) => e.id)).size, examples.length, 'each example id once');
    const have = new Set(examples.map((e) => e.instruction_id));
    for (const id of failed) assert.ok(have.has(id), `instruction ${id} has its example now`);
    const after = await readManifest(dir);
    assert.equal(after.progress.task_watermark, before.progress.task_watermark, 'the task accounting is unchanged');
    assert.deepEqual(after.progress.done_tasks_above, []);

    const second = await lamini(['dlq', 'replay', '--reason', 'teacher_http', ...kafka, ...base]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), `replayed 0 dead letters; 1 skipped; 0 not replayable; ${failed.length} already replayed`);
    const list = await lamini(['dlq', 'list', ...kafka, ...base]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/)), [
      ['reason', 'letters', 'replayable', 'already replayed', 'not replayable'],
      ['decode_failed', '1', '0', '0', '1'],
      ['teacher_http', String(failed.length), '0', String(failed.length), '0'],
    ]);
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await teacher.close();
  }
});

test('lamini dlq with an unknown subcommand, a bad --reason or --operator: one-line usage errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-dlq-usage-'));
  const cases: Array<[string[], RegExp]> = [
    [['dlq', 'purge', '--transport', 'kafka'], /^lamini: usage: lamini dlq replay\|list/],
    [['dlq', 'replay', '--reason', 'Teacher-HTTP', '--transport', 'kafka'], /^lamini: --reason "Teacher-HTTP" is not a reason code/],
    [['dlq', 'replay', '--operator', 'trainer', '--transport', 'kafka'], /^lamini: --operator "trainer" is not one of generate, dedup, respond, sink \(the operators that write dead letters\)\n$/],
    [['dlq', 'replay', '--operator', 'planner', '--transport', 'kafka'], /^lamini: --operator "planner" is not one of generate, dedup, respond, sink/],
  ];
  for (const [args, message] of cases) {
    const r = await lamini([...args, '--data-dir', dir], { LAMINI_TRANSPORT: '', LAMINI_BROKERS: '' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('regression: dlq list and replay with a broker that cannot be reached are a one-line error within --timeout, not the client\'s 2 minutes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-dlq-down-'));
  for (const sub of [['list'], ['replay', '--reason', 'teacher_http']]) {
    const started = Date.now();
    const r = await lamini(['dlq', ...sub, '--transport', 'kafka', '--brokers', '127.0.0.1:1', '--timeout', '2', '--data-dir', dir], {}, 60_000);
    const took = Date.now() - started;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^lamini: kafka: .*127\.0\.0\.1:1 failed \(connect ECONNREFUSED/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.ok(took < 20_000, `dlq ${sub[0]} took ${took} ms`);
  }
  const bad = await lamini(['dlq', 'list', '--transport', 'kafka', '--brokers', '127.0.0.1:1', '--timeout', '0', '--data-dir', dir]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^lamini: --timeout must be an integer >= 1, got "0"/);
});
