/**
 * `lamini dlq replay` without a broker: which letters are chosen and how they are counted (pure), and the
 * replay run over the embedded transport — records back on their source topic with their producers' keys,
 * logged, and a second replay sends none again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { isLaminiError } from '../../../common/errors.ts';
import { embeddedLetterMark, planReplay, replayMark, replaySummary, type ReplayFilter } from '../../../dlq/plan.ts';
import { appendReplayLog, readReplayLog, replayLogPath, type ReplayLogEntry } from '../../../dlq/log.ts';
import { REPLAY_HEADER, replayDeadLetters, replayLogEntries } from '../../../dlq/replay.ts';
import { ConfluentCodec, RegistryClient } from '../../../schemas/confluent/index.ts';
import { defaultRegistry, loadSchemaRegistry } from '../../../schemas/index.ts';
import type { DeadLetter, GenerationTask, Instruction } from '../../../schemas/types.ts';
import { EmbeddedTransport } from '../../../streams/embedded.ts';
import { partitionForKey } from '../../../streams/partitioner.ts';
import { TOPIC_TYPES, Topics, type TopicName } from '../../../streams/topics.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';
import { startSchemaRegistryDouble } from '../../helpers/schema-registry-double.ts';

const codec = defaultRegistry();
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

const instruction = (id: string): Instruction => ({
  id, instruction: `say ${id}`, input: '', instruction_source: 'alpaca', generation_mode: 'seed', seed_ids: [], topics: [],
  task_number: 3, task_outputs: 2, teacher_model: '', prompt_version: 'lamini-v1', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, created_at: 1,
});
const task: GenerationTask = { task_number: 42, mode: 'example_guided', source: 'self_instruct', seed_ids: ['a', 'b', 'c'], topics: [], count: 20, prompt_version: 'lamini-v1' };

let offset = 0;
const letter = (reason: string, operator: string, sourceTopic: string, payload: Uint8Array, id = `dl-${offset}`): DeadLetter => ({
  id, operator, reason, message: 'm', source_topic: sourceTopic, source_partition: 0, source_offset: offset++, payload,
  task_number: 3, task_outputs: 2, created_at: 0,
});

const topicType = (t: string) => TOPIC_TYPES[t as TopicName];
const all: ReplayFilter = { reasons: [], operators: [] };

test('records kept as JSON or Avro are sent back to their source topic with their producer\'s key; the rest is counted not replayable by reason', async () => {
  const letters = [
    letter('teacher_http', 'respond', Topics.instructionsUnique, text(JSON.stringify(instruction('i1')))),
    letter('teacher_timeout', 'generate', Topics.tasks, text(JSON.stringify(task))),
    letter('operator_error', 'dedup', Topics.instructionsRaw, codec.encode('Instruction', instruction('i2'))),
    letter('teacher_no_examples', 'generate', Topics.tasks, text('Sure! Here are some ideas...')),
    letter('decode_failed', 'respond', Topics.instructionsUnique, Uint8Array.of(0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9)),
    letter('teacher_bad_json', 'generate', Topics.tasks, text('{"instructions": []}')),
    letter('teacher_http', 'respond', 'some.other.topic', text(JSON.stringify(instruction('i3')))),
  ];
  const plan = await planReplay(letters, { filter: all, replayed: new Set(), codec, topicType });
  assert.deepEqual(plan.sends.map((s) => [s.topic, s.key]), [
    [Topics.instructionsUnique, 'i1'], [Topics.tasks, '42'], [Topics.instructionsRaw, 'i2'],
  ]);
  assert.deepEqual(codec.decode('Instruction', plan.sends[0]!.value), instruction('i1'), 'JSON payloads are re-encoded as the topic\'s record');
  assert.equal(plan.sends[2]!.value, letters[2]!.payload, 'Avro payloads go back byte for byte');
  assert.equal(plan.counts.replayed, 3);
  assert.equal(plan.counts.notReplayable, 4);
  assert.deepEqual(plan.counts.byReason['teacher_http'], { replayed: 1, skipped: 0, notReplayable: 1, alreadyReplayed: 0 });
  assert.match(plan.notReplayableWhy['decode_failed']!, /does not decode as Instruction/);
  assert.match(plan.notReplayableWhy['teacher_no_examples']!, /neither Avro nor JSON/);
  assert.match(plan.notReplayableWhy['teacher_bad_json']!, /not a valid GenerationTask/);
  assert.equal(replaySummary(plan.counts),
    'replayed 3 dead letters (operator_error 1, teacher_http 1, teacher_timeout 1); 0 skipped; ' +
    '4 not replayable (decode_failed 1, teacher_bad_json 1, teacher_http 1, teacher_no_examples 1)');
});

test('--reason and --operator choose letters; the others are skipped; letters in the replay log and copies of one letter are not sent again', async () => {
  const payload = text(JSON.stringify(instruction('i1')));
  const a = letter('teacher_http', 'respond', Topics.instructionsUnique, payload);
  const copy = { ...a, created_at: 99 }; // an operator's redo after a crash writes the same letter again
  const b = letter('teacher_timeout', 'respond', Topics.instructionsUnique, text(JSON.stringify(instruction('i2'))));
  const c = letter('teacher_http', 'generate', Topics.tasks, text(JSON.stringify(task)));
  const again = letter('teacher_http', 'respond', Topics.instructionsUnique, payload, a.id); // failed again after a replay: new offset
  const opts = { replayed: new Set<string>(), codec, topicType };

  const byReason = await planReplay([a, copy, b, c], { ...opts, filter: { reasons: ['teacher_http'], operators: [] } });
  assert.equal(byReason.counts.replayed, 2);
  assert.equal(byReason.counts.alreadyReplayed, 1, 'the copy is sent once');
  assert.equal(byReason.counts.skipped, 1);
  const byOperator = await planReplay([a, b, c], { ...opts, filter: { reasons: ['teacher_http', 'teacher_timeout'], operators: ['respond'] } });
  assert.deepEqual(byOperator.sends.map((s) => s.key), ['i1', 'i2']);

  const logged = await planReplay([a, copy, b, c, again], { ...opts, filter: all, replayed: new Set([replayMark(a), replayMark(b)]) });
  assert.deepEqual(logged.sends.map((s) => s.letter), [c, again], 'a record that failed again is a new letter');
  assert.equal(logged.counts.alreadyReplayed, 3);
  assert.equal(replaySummary(logged.counts, true), 'would replay 2 dead letters (teacher_http 2); 0 skipped; 0 not replayable; 3 already replayed');
});

test('regression: two embedded letters of one failure (same letter id, other marks) are sent once and both logged, so the teacher is asked once', async () => {
  // An interrupted embedded replay ran a task whose letter was already committed: the corpus holds that letter twice, at other times.
  const first = { ...letter('teacher_http', 'respond', Topics.instructionsUnique, text(JSON.stringify(instruction('i1')))), created_at: 10 };
  const again = { ...first, created_at: 20 };
  const other = letter('teacher_http', 'respond', Topics.instructionsUnique, text(JSON.stringify(instruction('i2'))));
  const plan = await planReplay([first, again, other], { filter: all, replayed: new Set(), codec, topicType, mark: embeddedLetterMark });
  assert.deepEqual(plan.sends.map((s) => s.key), ['i1', 'i2'], 'the copy is not sent');
  assert.equal(plan.counts.alreadyReplayed, 1);
  assert.deepEqual(replayLogEntries(plan.sends, 5).map((e) => e.mark), [embeddedLetterMark(first), embeddedLetterMark(again), embeddedLetterMark(other)],
    'the copy is logged with the first');
});

test('a replay over a transport sends each record to its source topic and partition, logs it, and a second replay sends none', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-dlq-'));
  const transport = new EmbeddedTransport({ defaultPartitions: 4 });
  const name = (n: string): string => `p.${n}`;
  const letters = ['i1', 'i2', 'i3'].map((id) => letter('teacher_http', 'respond', name(Topics.instructionsUnique), text(JSON.stringify(instruction(id))), `dl-${id}`));
  // The sink's group reads the dead-letter topic too: the embedded transport keeps what a subscribed group has not fetched.
  await transport.consumer({ group: 'sink', topics: [name(Topics.dlq)] });
  const producer = transport.producer();
  await producer.send(name(Topics.dlq), [
    ...letters.map((l) => ({ key: l.id, value: codec.encode('DeadLetter', l) })),
    { key: 'junk', value: text('not a dead letter') },
    { key: 'other', value: codec.encode('DeadLetter', letter('teacher_timeout', 'respond', name(Topics.instructionsUnique), text(JSON.stringify(instruction('i4'))))) },
  ]);
  const received: ConsumedMessage[] = [];
  const target = await transport.consumer({ group: 'respond', topics: [name(Topics.instructionsUnique)] });
  const options = { transport, topicName: name, codec, dataDir, filter: { reasons: ['teacher_http'], operators: [] }, now: () => 7 };

  const dry = await replayDeadLetters({ ...options, dryRun: true });
  assert.equal(dry.counts.replayed, 3);
  assert.equal((await readReplayLog(dataDir)).size, 0, 'a dry run logs nothing');
  assert.deepEqual(await target.poll({ maxMessages: 10, maxWaitMs: 0 }), [], 'and sends nothing');

  const first = await replayDeadLetters({ ...options, dryRun: false });
  assert.equal(replaySummary(first.counts), 'replayed 3 dead letters (teacher_http 3); 1 skipped; 1 not replayable (dead_letter_unreadable 1)');
  received.push(...(await target.poll({ maxMessages: 10, maxWaitMs: 0 })));
  assert.deepEqual(received.map((m) => m.key).sort(), ['i1', 'i2', 'i3']);
  for (const m of received) {
    assert.equal(m.partition, partitionForKey(m.key, 4), `${m.key} lands in its id's partition`);
    assert.equal(m.headers?.[REPLAY_HEADER], replayMark(letters.find((l) => l.id === `dl-${m.key}`)!), 'it names the letter it came from');
  }
  assert.deepEqual(await readReplayLog(dataDir), new Set(letters.map(replayMark)));

  const second = await replayDeadLetters({ ...options, dryRun: false });
  assert.equal(second.counts.replayed, 0);
  assert.equal(second.counts.alreadyReplayed, 3);
  assert.deepEqual(await target.poll({ maxMessages: 10, maxWaitMs: 0 }), []);
  await transport.close();
});

test('regression: two concurrent replays send each letter once (one holds <data-dir>/dlq/replay.lock, the other stops with one line); a dead holder\'s lock is taken over', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-dlq-lock-'));
  const transport = new EmbeddedTransport({ defaultPartitions: 2 });
  const name = (n: string): string => `p.${n}`;
  await transport.consumer({ group: 'sink', topics: [name(Topics.dlq)] });
  const ids = ['i1', 'i2', 'i3'];
  await transport.producer().send(name(Topics.dlq), ids.map((id) => ({
    key: id, value: codec.encode('DeadLetter', letter('teacher_http', 'respond', name(Topics.instructionsUnique), text(JSON.stringify(instruction(id))), `dl-${id}`)),
  })));
  const target = await transport.consumer({ group: 'respond', topics: [name(Topics.instructionsUnique)] });
  const options = { transport, topicName: name, codec, dataDir, filter: all, dryRun: false };

  const both = await Promise.allSettled([replayDeadLetters(options), replayDeadLetters(options)]);
  const refused = both.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
  assert.equal(refused.length, 1, 'one replay runs');
  const lockPath = join(dataDir, 'dlq', 'replay.lock');
  assert.ok(isLaminiError(refused[0], 'DLQ_REPLAY_LOCKED'));
  assert.equal(refused[0].message.split('\n').length, 1);
  assert.ok(refused[0].message.startsWith(`another lamini dlq replay holds ${lockPath} (pid ${process.pid} on ${hostname()} since `), refused[0].message);
  assert.ok(refused[0].message.endsWith('): let it finish, then replay again'), refused[0].message);
  assert.deepEqual((await target.poll({ maxMessages: 10, maxWaitMs: 0 })).map((m) => m.key).sort(), ids, 'each letter sent once');
  assert.ok(!existsSync(lockPath), 'the lock is released');

  // A lock left by a replay that is gone (pid 2^22 + 1 is above Linux's pid_max default) is taken over; a dry run takes none.
  writeFileSync(lockPath, JSON.stringify({ pid: 4194305, hostname: hostname(), started_at: '2025-01-01T00:00:00Z' }));
  const again = await replayDeadLetters(options);
  assert.equal(again.counts.alreadyReplayed, 3);
  assert.ok(!existsSync(lockPath));
  writeFileSync(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname(), started_at: '2025-01-01T00:00:00Z' }));
  assert.equal((await replayDeadLetters({ ...options, dryRun: true })).counts.alreadyReplayed, 3, 'a dry run reads while a replay holds the lock');
  await transport.close();
});

test('the replay log ignores a torn last line and reports a bad line elsewhere with its number', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-dlq-log-'));
  mkdirSync(join(dataDir, 'dlq'));
  const good = JSON.stringify({ mark: 'a@t/0/1', reason: 'r', topic: 't', at: 1 });
  writeFileSync(replayLogPath(dataDir), `${good}\n{"mark": "b@t/0`);
  assert.deepEqual(await readReplayLog(dataDir), new Set(['a@t/0/1']));
  writeFileSync(replayLogPath(dataDir), `${good}\nnot json\n${good}\n`);
  await assert.rejects(readReplayLog(dataDir), (e: unknown) => isLaminiError(e, 'DLQ_LOG_CORRUPT') && /line 2/.test(e.message));
});

test('regression: an append after a torn last line cuts the fragment off instead of gluing onto it (the log stays readable, the new entry is kept)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lamini-dlq-log-'));
  mkdirSync(join(dataDir, 'dlq'));
  const entry = (mark: string): ReplayLogEntry => ({ mark, reason: 'r', topic: 't', at: 1 });
  const good = JSON.stringify(entry('a@t/0/1'));
  writeFileSync(replayLogPath(dataDir), `${good}\n{"mark": "b@t/0`);
  await appendReplayLog(dataDir, [entry('c@t/0/3')]);
  assert.deepEqual(await readReplayLog(dataDir), new Set(['a@t/0/1', 'c@t/0/3']));
  assert.equal(readFileSync(replayLogPath(dataDir), 'utf8'), `${good}\n${JSON.stringify(entry('c@t/0/3'))}\n`);

  writeFileSync(replayLogPath(dataDir), `${good}`); // torn just before its newline: a whole entry, kept
  await appendReplayLog(dataDir, [entry('d@t/0/4')]);
  assert.deepEqual(await readReplayLog(dataDir), new Set(['a@t/0/1', 'd@t/0/4']));
});

test('with the Confluent wire format, Avro payloads (magic 0 + schema id) go back byte for byte with their key', async (t) => {
  const registry = await startSchemaRegistryDouble();
  t.after(() => registry.close());
  const confluent = await ConfluentCodec.open(new RegistryClient({ url: registry.url }), loadSchemaRegistry(), [
    { subject: `${Topics.instructionsRaw}-value`, type: 'Instruction' },
  ]);
  const avro = confluent.encode('Instruction', instruction('i9'));
  const letters = [
    letter('operator_error', 'dedup', Topics.instructionsRaw, avro),
    letter('teacher_http', 'respond', Topics.instructionsRaw, text(JSON.stringify(instruction('i10')))),
    letter('decode_failed', 'dedup', Topics.instructionsRaw, Uint8Array.of(0, 0, 0, 0x7f, 0x7f, 2)),
  ];
  const plan = await planReplay(letters, { filter: all, replayed: new Set(), codec: confluent, topicType });
  assert.deepEqual(plan.sends.map((s) => [s.topic, s.key]), [[Topics.instructionsRaw, 'i9'], [Topics.instructionsRaw, 'i10']]);
  assert.equal(plan.sends[0]!.value, avro);
  assert.equal(plan.sends[1]!.value[0], 0, 'a JSON payload is re-encoded in the Confluent wire format');
  assert.deepEqual(await confluent.decode('Instruction', plan.sends[1]!.value), instruction('i10'));
  assert.match(plan.notReplayableWhy['decode_failed']!, /does not decode as Instruction: SCHEMA_UNKNOWN_ID/);
});
