import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadLetterRecord } from '../../../streams/dead-letter.ts';
import type { DeadLetterDraft } from '../../../streams/operator.ts';
import type { ConsumedMessage } from '../../../streams/transport.ts';

const bytes = new TextEncoder().encode('not avro');
const at = (topic: string, partition: number, offset: number): ConsumedMessage => ({ topic, partition, offset, key: 'k', value: bytes });
const undecodable: DeadLetterDraft = { reason: 'decode_failed', message: 'SCHEMA_BAD_MAGIC: …', payload: bytes, taskNumber: -1, taskOutputs: 0 };

test('the same poison bytes at two positions are two dead letters; the same message redelivered is one', () => {
  const a = deadLetterRecord('sink', undecodable, at('examples', 0, 7), 1);
  const again = deadLetterRecord('sink', undecodable, at('examples', 0, 7), 2);
  const otherTopic = deadLetterRecord('sink', undecodable, at('dropped', 0, 7), 1);
  const otherOffset = deadLetterRecord('sink', undecodable, at('examples', 0, 8), 1);
  const otherPartition = deadLetterRecord('sink', undecodable, at('examples', 1, 7), 1);
  assert.equal(a.id, again.id);
  assert.equal(new Set([a.id, otherTopic.id, otherOffset.id, otherPartition.id]).size, 4);
  assert.deepEqual([a.source_topic, a.source_partition, a.source_offset, a.task_number], ['examples', 0, 7, -1]);
});

test('a dead letter of a task keeps its id wherever the task is replayed (an embedded run resumed)', () => {
  const draft: DeadLetterDraft = { reason: 'teacher_timeout', message: 'timed out', payload: '{"task":3}', taskNumber: 3, taskOutputs: 1 };
  assert.equal(deadLetterRecord('generate', draft, at('tasks', 0, 1), 1).id, deadLetterRecord('generate', draft, at('tasks', 0, 90), 5).id);
});
