/**
 * `lamini dlq replay` on the embedded transport, as a user runs it, against the scripted teacher. A run
 * whose teacher answers 500 to a quarter of the response calls (no retries) leaves `teacher_http` letters
 * in the corpus; the teacher is fixed; `dlq replay --reason teacher_http` runs the pipeline on them and
 * the missing examples land, each id once; the letters stay as history, and a second replay sends none.
 * A replay while a run holds the corpus is a one-line error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../corpus/index.ts';
import { lamini, startLamini } from '../../helpers/cli.ts';
import { waitFor } from '../../helpers/kafka.ts';
import { isGenerationRequest, startScriptedTeacher } from '../../helpers/scripted-teacher.ts';

async function json<T>(args: string[]): Promise<T> {
  const r = await lamini(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

test('dlq replay (embedded): after the fix the teacher_http letters\' examples land once each; stats keep the letters; a second replay sends none', async () => {
  let failing = true;
  const teacher = await startScriptedTeacher({
    script: (ctx) => {
      const user = ctx.request.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
      const unlucky = /^[0-3]/.test(createHash('sha256').update(user).digest('hex'));
      if (failing && !isGenerationRequest(ctx.request) && unlucky) return { kind: 'status', status: 500 };
      return ctx.fallback();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-dlq-embedded-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ sink: { maxRows: 40, maxAgeMs: 300 }, teacher: { concurrency: 4, maxRetries: 0 } }));
  const base = ['--data-dir', dir, '--config', config];
  const teacherArgs = ['--teacher-url', teacher.baseURL, '--model', 'scripted'];
  const query = <T>(sql: string): Promise<T[]> => json<T[]>(['query', sql, '--format', 'json', '--data-dir', dir]);
  type Stats = { dead_letters: { total: number; by_reason: Record<string, number> } };
  try {
    const run = await lamini(['run', '--target', '60', '--quiet', ...base, ...teacherArgs], {}, 180_000);
    assert.equal(run.code, 0, run.stderr);
    const failed = (await query<{ instruction_id: string }>(
      "select json_extract_string(decode(payload), '$.id') as instruction_id from dead_letters where reason = 'teacher_http'")).map((r) => r.instruction_id);
    assert.ok(failed.length > 0, 'some response calls failed');
    assert.equal(new Set(failed).size, failed.length);
    const statsBefore = await json<Stats>(['stats', '--json', ...base]);
    const others = statsBefore.dead_letters.total - failed.length;
    const before = await readManifest(dir);

    const dry = await json<{ dryRun: boolean; replayed: number }>(['dlq', 'replay', '--dry-run', '--json', '--reason', 'teacher_http', ...base]);
    assert.deepEqual([dry.dryRun, dry.replayed], [true, failed.length]);
    const absent = await lamini(['dlq', 'replay', '--dry-run', '--reason', 'teacher_http,no_such_reason', ...base]);
    assert.equal(absent.code, 0, absent.stderr);
    assert.equal(absent.stderr, `no dead letters with reason no_such_reason; reasons present: ${Object.keys(statsBefore.dead_letters.by_reason).sort().join(', ')}\n`,
      'a --reason that matches no letter says so, with the reasons there are');

    failing = false;
    const replay = await lamini(['dlq', 'replay', '--reason', 'teacher_http', ...base, ...teacherArgs], {}, 180_000);
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(replay.stdout.trim(), `replayed ${failed.length} dead letters (teacher_http ${failed.length}); ${others} skipped; 0 not replayable`);
    assert.match(replay.stderr, new RegExp(`replay: committed ${failed.length} examples, 0 dropped, 0 new dead letters`));

    const examples = await query<{ id: string; instruction_id: string }>('select id, instruction_id from examples');
    assert.equal(examples.length, before.totals.examples + failed.length, 'exactly the missing examples were added');
    assert.equal(new Set(examples.map((e) => e.id)).size, examples.length, 'each example id once');
    const have = new Set(examples.map((e) => e.instruction_id));
    for (const id of failed) assert.ok(have.has(id), `instruction ${id} has its example now`);
    const statsAfter = await json<Stats>(['stats', '--json', ...base]);
    assert.deepEqual(statsAfter.dead_letters, statsBefore.dead_letters, 'dead letters stay as history');
    const after = await readManifest(dir);
    assert.equal(after.progress.task_watermark, before.progress.task_watermark, 'the task accounting is unchanged');
    assert.deepEqual(after.progress.done_tasks_above, before.progress.done_tasks_above);

    const requests = teacher.count;
    const second = await lamini(['dlq', 'replay', '--reason', 'teacher_http', ...base, ...teacherArgs]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), `replayed 0 dead letters; ${others} skipped; 0 not replayable; ${failed.length} already replayed`);
    assert.equal(teacher.count, requests, 'a replay with nothing to send asks the teacher nothing');
    const list = await lamini(['dlq', 'list', ...base]);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], ['reason', 'letters', 'replayable', 'already replayed', 'not replayable']);
    assert.deepEqual(rows.find((r) => r[0] === 'teacher_http'), ['teacher_http', String(failed.length), '0', String(failed.length), '0']);
  } finally {
    await teacher.close();
  }
});

test('dlq replay (embedded) while a run holds the corpus: a one-line error; on an empty corpus: zero counts', async () => {
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const teacher = await startScriptedTeacher({
    script: async (ctx) => {
      await gate;
      return ctx.fallback();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'lamini-dlq-locked-'));
  const empty = await lamini(['dlq', 'replay', '--data-dir', dir]);
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal(empty.stdout.trim(), 'replayed 0 dead letters; 0 skipped; 0 not replayable');
  const none = await lamini(['dlq', 'replay', '--reason', 'teacher_http', '--data-dir', dir]);
  assert.equal(none.stderr, 'no dead letters with reason teacher_http; reasons present: none\n');

  const run = startLamini(['run', '--target', '50', '--quiet', '--data-dir', dir, '--teacher-url', teacher.baseURL, '--model', 'scripted']);
  try {
    await waitFor(() => existsSync(join(dir, 'corpus', '.lock')) && teacher.count > 0, { timeoutMs: 60_000, what: `the run to hold the corpus (${run.stderr()})` });
    const r = await lamini(['dlq', 'replay', '--data-dir', dir, '--teacher-url', teacher.baseURL]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^lamini: lamini dlq replay writes the corpus, and another writer holds .*corpus\/\.lock \(pid \d+ .*\): let that run finish \(or stop it\), then replay\n$/);
    const list = await lamini(['dlq', 'list', '--data-dir', dir]);
    assert.equal(list.code, 0, `a count reads the committed shards without the lock: ${list.stderr}`);
  } finally {
    release();
    run.child.kill('SIGTERM');
    await run.exited;
    await teacher.close();
  }
});
