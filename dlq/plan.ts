/**
 * Which dead letters `lamini dlq replay` sends back to their topic, and how they are counted. Pure:
 * letters in, a plan out; dlq/replay.ts reads the letters from the dead-letter topic and
 * sends the plan (Kafka), dlq/replay-embedded.ts reads them from the corpus and runs the stages
 * on them (embedded).
 *
 * A letter is replayable when its payload is a record of its source topic's type:
 *   - the Avro bytes the runner could not process (`operator_error`; `decode_failed` once a fix, e.g. a
 *     newly known schema, makes them readable), sent again as they are;
 *   - the record as JSON text, as an operator writes its own dead letters (respond's `teacher_http`,
 *     generate's `teacher_timeout`, ...), encoded with the topic's current schema.
 * Anything else — the teacher's reply of a `teacher_no_examples` letter, a rejected instruction's text,
 * bytes that still do not decode — is counted as not replayable, by reason.
 *
 * The key is derived by decoding the payload with the source topic's type and applying the producers'
 * rule (a task's number; every other record's id), so all records for one id land in one partition again.
 * We derive it rather than add the source key to DeadLetter as a new schema version because the key is a
 * pure function of the record, which the payload already holds (decoding it is also the check that the
 * letter is replayable at all), and because letters written before such a version — in the topic and in
 * the corpus — would carry only the default, no key.
 *
 * A letter is "already replayed" when its mark — its id and the position of the record that failed — is
 * in the replay log (dlq/log.ts). The position makes a record that fails again after a
 * replay a new letter (it failed at a new offset), while two copies of one letter (an operator redoing a
 * batch after a crash writes the same letter again) share a mark and are sent once. Letters of embedded
 * runs add their time to the mark, so there two copies differ (a replay interrupted after a commit runs
 * the task again and writes its letter again): within one plan a letter whose id — the same failure of
 * the same input — is already being sent goes with the first, counted already replayed, and its mark is
 * logged with the first's, so the teacher is asked once.
 */
import { describeError } from '../common/errors.ts';
import type { DeadLetter, RecordTypeName, RecordTypes } from '../schemas/types.ts';
import { defaultRegistry } from '../schemas/codec.ts';
import type { RecordCodec } from '../streams/codec.ts';
import { isRegistryOutage } from '../streams/dead-letter.ts';
import { TOPIC_NAMES, TOPIC_TYPES, type TopicName } from '../streams/topics.ts';

export interface ReplayFilter {
  /** Reason codes to replay; empty: every reason. */
  reasons: readonly string[];
  /** Operators (the letter's `operator`) to replay; empty: every operator. */
  operators: readonly string[];
}

/** One record to send back. */
export interface ReplaySend {
  letter: DeadLetter;
  topic: string;
  key: string;
  value: Uint8Array;
  mark: string;
  /** Marks of copies of this letter (same id, another mark) that it sends for: logged with it. */
  copies: string[];
}

/** Letters of one reason code, by what became of them. */
export interface ReasonCounts {
  replayed: number;
  skipped: number;
  notReplayable: number;
  alreadyReplayed: number;
}

export interface ReplayCounts {
  replayed: number;
  /** Not chosen by --reason / --operator. */
  skipped: number;
  notReplayable: number;
  alreadyReplayed: number;
  byReason: Record<string, ReasonCounts>;
}

export interface ReplayPlan {
  sends: ReplaySend[];
  counts: ReplayCounts;
  /** Why each not-replayable letter is not, one line per reason code (the first letter's). */
  notReplayableWhy: Record<string, string>;
}

export interface PlanOptions {
  filter: ReplayFilter;
  /** Marks of letters replayed before (the replay log). */
  replayed: ReadonlySet<string>;
  codec: RecordCodec;
  /** The record type of a source topic as the transport names it; undefined for a topic lamini does not know. */
  topicType: (sourceTopic: string) => RecordTypeName | undefined;
  /** A letter's replay-log mark (default `replayMark`; letters of embedded runs: `embeddedLetterMark`). */
  mark?: (letter: DeadLetter) => string;
}

/** A letter's identity for the replay log: its id and the position of the record that failed. */
export function replayMark(letter: Pick<DeadLetter, 'id' | 'source_topic' | 'source_partition' | 'source_offset'>): string {
  return `${letter.id}@${letter.source_topic}/${letter.source_partition}/${letter.source_offset}`;
}

/** The record type of each pipeline topic as the transport names it (Kafka prefixes them). */
export function topicTypes(topicName: (name: TopicName) => string): (sourceTopic: string) => RecordTypeName | undefined {
  const byName = new Map<string, RecordTypeName>(TOPIC_NAMES.map((t) => [topicName(t), TOPIC_TYPES[t]]));
  return (source) => byName.get(source);
}

/** The key a producer gives a record of this type (operators/*: a task's number, every other record's id). */
export function recordKey<K extends RecordTypeName>(type: K, record: RecordTypes[K]): string {
  return 'task_number' in record && type === 'GenerationTask' ? String(record.task_number) : 'id' in record ? record.id : '';
}

/**
 * The mark of a letter an embedded run wrote. Its offsets start at 0 in every process, so the position
 * repeats across runs: a record that fails again in a replay run may fail at the very offset it had the
 * first time. The time the letter was written tells the two apart (rows of one letter share it).
 */
export function embeddedLetterMark(letter: Pick<DeadLetter, 'id' | 'source_topic' | 'source_partition' | 'source_offset' | 'created_at'>): string {
  return `${replayMark(letter)}@${letter.created_at}`;
}

export function emptyCounts(): ReplayCounts {
  return { replayed: 0, skipped: 0, notReplayable: 0, alreadyReplayed: 0, byReason: {} };
}

export async function planReplay(letters: Iterable<DeadLetter>, options: PlanOptions): Promise<ReplayPlan> {
  const { filter } = options;
  const reasons = new Set(filter.reasons);
  const operators = new Set(filter.operators);
  const counts = emptyCounts();
  const why: Record<string, string> = {};
  const sends: ReplaySend[] = [];
  const seen = new Set<string>();
  const sendById = new Map<string, ReplaySend>();
  for (const letter of letters) {
    const tally = (counts.byReason[letter.reason] ??= { replayed: 0, skipped: 0, notReplayable: 0, alreadyReplayed: 0 });
    const outcome = await (async (): Promise<keyof ReasonCounts> => {
      if ((reasons.size > 0 && !reasons.has(letter.reason)) || (operators.size > 0 && !operators.has(letter.operator))) return 'skipped';
      const mark = (options.mark ?? replayMark)(letter);
      if (options.replayed.has(mark) || seen.has(mark)) return 'alreadyReplayed';
      const first = sendById.get(letter.id);
      if (first !== undefined) {
        seen.add(mark);
        first.copies.push(mark);
        return 'alreadyReplayed';
      }
      const record = await sourceRecord(letter, options);
      if (typeof record === 'string') {
        why[letter.reason] ??= record;
        return 'notReplayable';
      }
      seen.add(mark);
      const send: ReplaySend = { letter, topic: letter.source_topic, key: record.key, value: record.value, mark, copies: [] };
      sendById.set(letter.id, send);
      sends.push(send);
      return 'replayed';
    })();
    tally[outcome]++;
    counts[outcome]++;
  }
  return { sends, counts, notReplayableWhy: why };
}

/** Starts like Avro in either wire format: single-object (`C3 01`) or Confluent (`00`, which no JSON text starts with). */
const looksLikeAvro = (payload: Uint8Array): boolean => (payload[0] === 0xc3 && payload[1] === 0x01) || payload[0] === 0x00;

/** The record to send for a letter, or why there is none. */
async function sourceRecord(letter: DeadLetter, options: PlanOptions): Promise<{ key: string; value: Uint8Array } | string> {
  const type = options.topicType(letter.source_topic);
  if (type === undefined) return `its source topic ${letter.source_topic} is not one of this pipeline's topics`;
  const { codec } = options;
  const payload = letter.payload;
  try {
    // Avro bytes: the record exactly as it was sent, once they decode.
    if (looksLikeAvro(payload)) return { key: recordKey(type, await codec.decode(type, payload)), value: payload };
  } catch (error) {
    if (isRegistryOutage(error)) throw error;
    return `its payload does not decode as ${type}: ${describeError(error)}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return `its payload is neither Avro nor JSON of a ${type} (an operator kept what it could not use, e.g. the teacher's reply)`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `its payload is JSON but not a ${type}`;
  if (!isRecordOf(type, parsed)) {
    const issue = defaultRegistry().validate(type, parsed)[0];
    return `its payload is JSON but not a valid ${type}: ${issue === undefined ? 'invalid' : `${issue.path}: ${issue.message}`}`;
  }
  return { key: recordKey(type, parsed), value: codec.encode(type, parsed) };
}

/** Whether `value` is a valid record of `type` (every field present and of its schema's type). */
function isRecordOf<K extends RecordTypeName>(type: K, value: object): value is RecordTypes[K] {
  return defaultRegistry().validate(type, value).length === 0;
}

/** `replayed 12 dead letters (teacher_http 10, teacher_timeout 2); 3 skipped; 1 not replayable (decode_failed 1)`. */
export function replaySummary(counts: ReplayCounts, dryRun = false): string {
  const by = (field: keyof ReasonCounts): string => {
    const parts = Object.entries(counts.byReason).filter(([, c]) => c[field] > 0).sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([reason, c]) => `${reason} ${c[field]}`);
    return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
  };
  const verb = dryRun ? 'would replay' : 'replayed';
  const letters = counts.replayed === 1 ? 'dead letter' : 'dead letters';
  let line = `${verb} ${counts.replayed} ${letters}${by('replayed')}; ${counts.skipped} skipped; ${counts.notReplayable} not replayable${by('notReplayable')}`;
  if (counts.alreadyReplayed > 0) line += `; ${counts.alreadyReplayed} already replayed`;
  return line;
}
