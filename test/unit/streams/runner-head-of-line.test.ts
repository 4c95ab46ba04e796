/**
 * Regression for issue 15, item 3 (head-of-line blocking): a stateless stage lets every record go on as soon as
 * it is done. One slow record no longer holds back the outputs of the others read with it, and the group's
 * position stops at the slow record until it is done, so a crash in between redoes it rather than losing it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRegistry } from '../../../schemas/index.ts';
import type { Instruction } from '../../../schemas/types.ts';
import { EmbeddedTransport } from '../../../streams/embedded.ts';
import type { Operator } from '../../../streams/operator.ts';
import { runStage } from '../../../streams/runner.ts';
import { operatorStage } from '../../../streams/stage.ts';
import { PipelineStats } from '../../../streams/stats.ts';
import { Topics } from '../../../streams/topics.ts';
import { waitFor } from '../../helpers/kafka.ts';

const instruction = (id: string): Instruction => ({
  id, instruction: `say ${id}`, input: '', instruction_source: 'alpaca', generation_mode: 'seed', seed_ids: [], topics: [],
  task_number: 1, task_outputs: 1, teacher_model: 'none', prompt_version: 'v1', prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, created_at: 0,
});

test('regression: one slow record holds back neither the others\' outputs nor more than its own position', async () => {
  const transport = new EmbeddedTransport();
  const codec = defaultRegistry();
  await transport.createTopics([{ name: Topics.instructionsRaw, partitions: 1 }, { name: Topics.instructionsUnique, partitions: 1 }]);
  let releaseSlow: () => void = () => {};
  const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
  const passOn: Operator<typeof Topics.instructionsRaw> = {
    descriptor: { id: 'pass', input: Topics.instructionsRaw, outputs: [Topics.instructionsUnique], state: 'none' },
    async process(record) {
      if (record.id === 'slow') await slowDone;
      return { emit: [{ topic: Topics.instructionsUnique, key: record.id, record }], dead: [] };
    },
  };
  const ids = ['a', 'slow', 'b', 'c', 'd'];
  await transport.producer().send(Topics.instructionsRaw, ids.map((id) => ({ key: id, value: codec.encode('Instruction', instruction(id)) })));
  const reader = await transport.consumer({ group: 'reader', topics: [Topics.instructionsUnique] });
  const stop = new AbortController();
  const running = runStage(operatorStage(passOn, { concurrency: 8 }), {
    transport, codec, stats: new PipelineStats(), signal: stop.signal, topicName: (n) => n,
  });
  const seen: string[] = [];
  await waitFor(async () => {
    seen.push(...(await reader.poll({ maxMessages: 10, maxWaitMs: 20 })).map((m) => m.key));
    return seen.length >= 4;
  }, { what: 'the four fast records to go on while the slow one is in flight' });
  assert.deepEqual(seen.sort(), ['a', 'b', 'c', 'd']);
  assert.equal(transport.queueDepth('pass'), 4, 'committed up to the slow record only (offset 1): four not committed');
  releaseSlow();
  await waitFor(async () => {
    seen.push(...(await reader.poll({ maxMessages: 10, maxWaitMs: 20 })).map((m) => m.key));
    return seen.includes('slow') && transport.queueDepth('pass') === 0;
  }, { what: 'the slow record to go on and every position to be committed' });
  stop.abort();
  await running;
  await transport.close();
});
