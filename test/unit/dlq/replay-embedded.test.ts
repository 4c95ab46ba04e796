/**
 * `lamini dlq replay` on the embedded transport, without the CLI: an embedded run whose teacher fails some
 * calls leaves `teacher_http` letters in the corpus; a replay run with the teacher fixed lands what they
 * miss, each id once, with the task accounting and the letters unchanged, and logs them, so a second
 * replay sends none. A record that fails again is a new letter; a replay that makes no progress stops
 * at the stall timeout and logs nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { defaultConfig, type Config } from '../../../common/config.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { openCorpus, runQuery } from '../../../corpus/index.ts';
import { committedDeadLetters, corpusStore } from '../../../corpus/pipeline-store.ts';
import { planCorpusReplay, runReplay, type ReplayRunOptions } from '../../../dlq/replay-embedded.ts';
import { readReplayLog } from '../../../dlq/log.ts';
import { runEmbedded } from '../../../pipeline/run.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../../seeds/index.ts';
import type { ChatReply, ChatRequest, Teacher } from '../../../teacher/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const codec = defaultRegistry();
const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);
const isResponse = (r: ChatRequest): boolean => r.messages[0]!.role === 'system';
const last = (r: ChatRequest): string => r.messages.at(-1)!.content;

function answer(request: ChatRequest): string {
  if (isResponse(request)) return `Answer ${h(last(request))}.`;
  return Array.from({ length: 4 }, (_, i) => `<example>Describe item ${h(last(request) + i)} in one sentence</example>`).join('\n');
}

/** The teacher while it was down for some requests: a quarter of the response calls and some generation calls. */
function flaky(request: ChatRequest): string | Error {
  const failing = isResponse(request) ? /^[0-3]/.test(h(last(request))) : /^[0-2]/.test(h(last(request)));
  return failing ? new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 500 from the teacher') : answer(request);
}

function config(dataDir: string): Config {
  const c = defaultConfig();
  c.dataDir = dataDir;
  c.sink = { maxRows: 25, maxAgeMs: 60_000 };
  c.teacher.concurrency = 4;
  return c;
}

const all = { reasons: [], operators: [] };
const query = async <T>(dataDir: string, sql: string): Promise<T[]> => JSON.parse(await runQuery(dataDir, sql, { format: 'json' })) as T[];

/** A corpus grown by an embedded run against the flaky teacher. */
async function corpusWithLetters(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-dlq-embedded-'));
  const pool = await loadSeedPool(undefined, { includeDefaults: true });
  const corpus = await openCorpus(dataDir);
  try {
    const summary = await runEmbedded({
      config: config(dataDir), target: 40, store: corpusStore(corpus), teacher: new TeacherDouble(flaky), seeds: pool.seeds, topics: await loadTopics(), codec,
    });
    assert.equal(summary.stoppedBy, 'target');
  } finally {
    await corpus.close();
  }
  return dataDir;
}

/** One replay run over the corpus, as `lamini dlq replay` does it. */
async function replay(dataDir: string, teacher: Teacher, over: Partial<ReplayRunOptions> = {}) {
  const pool = await loadSeedPool(undefined, { includeDefaults: true });
  const corpus = await openCorpus(dataDir);
  try {
    const plan = await planCorpusReplay({ dataDir, manifest: corpus.manifest(), filter: { reasons: ['teacher_http'], operators: [] }, codec });
    const outcome = await runReplay({ config: config(dataDir), store: corpusStore(corpus), teacher, seeds: pool.seeds, codec, dataDir, sends: plan.sends, ...over });
    return { plan, outcome };
  } finally {
    await corpus.close();
  }
}

test('after the fix, a replay run lands what the teacher_http letters miss, each id once; the letters and the task accounting stay; a second replay sends none', async () => {
  const dataDir = await corpusWithLetters();
  const before = await openCorpus(dataDir).then(async (c) => {
    const m = c.manifest();
    await c.close();
    return m;
  });
  const letters = await committedDeadLetters(dataDir, before);
  const respondLetters = letters.filter((l) => l.operator === 'respond' && l.reason === 'teacher_http');
  const generateLetters = letters.filter((l) => l.operator === 'generate' && l.reason === 'teacher_http');
  assert.ok(respondLetters.length > 0 && generateLetters.length > 0, `letters: ${letters.map((l) => `${l.operator} ${l.reason}`).join(', ')}`);
  assert.equal(letters.length, before.totals.dead_letters, 'every committed letter is read back');
  const failedInstructions = respondLetters.map((l) => (JSON.parse(new TextDecoder().decode(l.payload)) as { id: string }).id);

  const dry = await planCorpusReplay({ dataDir, manifest: before, filter: all, codec });
  assert.equal(dry.counts.replayed, respondLetters.length + generateLetters.length);

  const fixed = new TeacherDouble(answer);
  const { plan, outcome } = await replay(dataDir, fixed);
  assert.equal(outcome.stoppedBy, 'quiet');
  assert.equal(plan.counts.replayed, respondLetters.length + generateLetters.length);
  assert.equal(outcome.deadLetters, 0);

  const examples = await query<{ id: string; instruction_id: string; task_number: number }>(dataDir, 'select id, instruction_id, task_number from examples');
  assert.equal(examples.length, before.totals.examples + outcome.examples, 'the outcome counts what was committed');
  assert.equal(new Set(examples.map((e) => e.id)).size, examples.length, 'each example id once');
  const have = new Set(examples.map((e) => e.instruction_id));
  for (const id of failedInstructions) assert.ok(have.has(id), `instruction ${id} has its example now`);
  const tasks = new Set(examples.map((e) => e.task_number));
  for (const l of generateLetters) assert.ok(tasks.has(l.task_number), `replayed task ${l.task_number} made examples`);

  const after = await openCorpus(dataDir).then(async (c) => {
    const m = c.manifest();
    await c.close();
    return m;
  });
  assert.equal(after.totals.dead_letters, before.totals.dead_letters, 'the letters stay, as history');
  assert.equal(after.progress.task_watermark, before.progress.task_watermark, 'the task accounting is unchanged');
  assert.deepEqual(after.progress.done_tasks_above, before.progress.done_tasks_above);
  assert.equal((await readReplayLog(dataDir)).size, plan.counts.replayed);

  const requests = fixed.requests.length;
  const second = await replay(dataDir, fixed);
  assert.equal(second.plan.counts.replayed, 0);
  assert.equal(second.plan.counts.alreadyReplayed, plan.counts.replayed);
  assert.equal(fixed.requests.length, requests, 'nothing asked of the teacher again');
});

test('a record that fails again in a replay is a new letter, replayable again, although its offset may repeat the first one\'s', async () => {
  const dataDir = await corpusWithLetters();
  const stillDown = new TeacherDouble(() => new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 503'));
  const { plan, outcome } = await replay(dataDir, stillDown);
  assert.equal(outcome.stoppedBy, 'quiet');
  assert.equal(outcome.deadLetters, plan.counts.replayed, 'each replayed record failed again: one new letter each');
  assert.equal(outcome.examples, 0);
  const again = await replay(dataDir, new TeacherDouble(answer));
  assert.equal(again.plan.counts.replayed, plan.counts.replayed, 'the new letters go back');
  assert.equal(again.plan.counts.alreadyReplayed, plan.counts.replayed, 'the first ones do not');
  assert.equal(again.outcome.deadLetters, 0);
});

test('a replay that makes no progress stops at the stall timeout and logs nothing', async () => {
  const dataDir = await corpusWithLetters();
  const hanging: Teacher = {
    model: 'hanging', structuredOutput: false,
    // Answers nothing until the call is aborted, as a stuck server behind a client that honours the signal.
    chat: (_request, signal) => new Promise<ChatReply>((_resolve, reject) => {
      const abort = (): void => reject(new LaminiError(ErrorCodes.TEACHER_TIMEOUT, 'aborted'));
      if (signal?.aborted === true) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    }),
    close: async () => {},
  };
  const c = config(dataDir);
  c.run.stallTimeoutMs = 300;
  const { plan, outcome } = await replay(dataDir, hanging, { config: c });
  assert.ok(plan.sends.length > 0);
  assert.equal(outcome.stoppedBy, 'stalled');
  assert.equal((await readReplayLog(dataDir)).size, 0, 'nothing logged: the next replay sends them again');
});
