import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { defaultConfig, type Config } from '../../../common/config.ts';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import { openCorpus, runQuery, corpusStats } from '../../../corpus/index.ts';
import { corpusStore } from '../../../corpus/pipeline-store.ts';
import { runEmbedded } from '../../../pipeline/run.ts';
import { defaultRegistry } from '../../../schemas/index.ts';
import { loadSeedPool, loadTopics } from '../../../seeds/index.ts';
import type { RecordCodec } from '../../../streams/codec.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

const codec: RecordCodec = defaultRegistry();

const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

/** Deterministic teacher: new instructions derived from the prompt, short answers derived from the question. */
function script(request: ChatRequest): string | Error {
  const last = request.messages.at(-1)!.content;
  if (request.messages[0]!.role === 'system') return `Answer ${h(last)}.`;
  return Array.from({ length: 4 }, (_, i) => `<example>Describe item ${h(last + i)} in one sentence</example>`).join('\n');
}

function config(dataDir: string, over: Partial<Config['run']> = {}): Config {
  const c = defaultConfig();
  c.dataDir = dataDir;
  c.sink = { maxRows: 25, maxAgeMs: 60_000 };
  c.run = { ...c.run, ...over };
  c.teacher.concurrency = 4;
  return c;
}

async function run(dataDir: string, target: number, teacher: TeacherDouble, over: Partial<Config['run']> = {}) {
  const pool = await loadSeedPool(undefined, { includeDefaults: true });
  const corpus = await openCorpus(dataDir);
  try {
    return await runEmbedded({
      config: config(dataDir, over), target, store: corpusStore(corpus), teacher, seeds: pool.seeds, topics: await loadTopics(), codec,
    });
  } finally {
    await corpus.close();
  }
}

const ids = async (dataDir: string): Promise<string[]> =>
  (JSON.parse(await runQuery(dataDir, 'select id from examples', { format: 'json' })) as Array<{ id: string }>).map((r) => r.id);

test('an embedded run commits the target, with generated and re-answered sources; a second run adds without duplicates', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-run-'));
  const teacher = new TeacherDouble(script);
  const first = await run(dataDir, 40, teacher);
  assert.equal(first.stoppedBy, 'target');
  assert.ok(first.committed >= 40, `committed ${first.committed}`);
  assert.deepEqual(Object.keys(first.queues ?? {}), ['generate', 'dedup', 'respond', 'sink'], 'progress shows each operator\'s queue');
  const afterFirst = await ids(dataDir);
  assert.equal(afterFirst.length, first.committed);
  assert.equal(new Set(afterFirst).size, afterFirst.length);
  const modes = JSON.parse(await runQuery(dataDir, 'select distinct generation_mode as m from examples order by 1', { format: 'json' })) as Array<{ m: string }>;
  assert.ok(modes.some((r) => r.m !== 'seed'), 'generated instructions, not only re-answered seeds');

  const requestsBefore = teacher.requests.length;
  const second = await run(dataDir, 15, teacher);
  assert.ok(second.committed >= 15);
  const afterSecond = await ids(dataDir);
  assert.equal(new Set(afterSecond).size, afterSecond.length, 'no example twice');
  assert.equal(afterSecond.length, first.committed + second.committed);
  assert.ok(teacher.requests.length > requestsBefore);
  const stats = await corpusStats(dataDir);
  assert.equal(stats.examples.total, afterSecond.length);
  assert.ok(stats.task_watermark >= 0);
});

test('teacher failures become dead letters with reasons and the run still reaches its target', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-run-'));
  let n = 0;
  const teacher = new TeacherDouble((req) => {
    n++;
    if (n % 5 === 0) return new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 500 from the teacher');
    if (n % 7 === 0 && req.messages[0]!.role !== 'system') return 'no tags in this reply';
    return script(req);
  });
  const summary = await run(dataDir, 30, teacher);
  assert.equal(summary.stoppedBy, 'target');
  const stats = await corpusStats(dataDir);
  assert.ok((stats.dead_letters.by_reason.teacher_http ?? 0) > 0, JSON.stringify(stats.dead_letters));
  assert.ok(stats.examples.total >= 30);
});

test('a teacher that never produces anything usable stops the run as stalled, not a spin', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-run-'));
  const teacher = new TeacherDouble(() => new LaminiError(ErrorCodes.TEACHER_HTTP, 'HTTP 503'));
  const pool = await loadSeedPool(undefined, { includeDefaults: true });
  const corpus = await openCorpus(dataDir);
  const c = config(dataDir, { stallTimeoutMs: 300 });
  c.generation.mix = { self_instruct_without_topic: 1 };
  try {
    const summary = await runEmbedded({
      config: c, target: 10, store: corpusStore(corpus), teacher, seeds: pool.seeds, topics: [], codec,
    });
    assert.equal(summary.stoppedBy, 'stalled');
    assert.equal(summary.committed, 0);
  } finally {
    await corpus.close();
  }
  const stats = await corpusStats(dataDir);
  assert.ok((stats.dead_letters.by_reason.teacher_http ?? 0) > 0, 'the failures were recorded');
});
