import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../common/config.ts';
import { SINK_ID } from '../../../operators/sink/sink.ts';
import { OPERATOR_INPUTS } from '../../../pipeline/kafka-lag.ts';
import { dedupOperatorFor, generateOperatorFor, respondOperatorFor } from '../../../pipeline/run.ts';
import { SINK_INPUTS } from '../../../pipeline/sink-loop.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

test('the lag table names every operator group and input topic the runner and the sink loop really use', () => {
  const config = loadConfig({ env: {} });
  const teacher = new TeacherDouble(() => '');
  const now = (): number => 0;
  const operators = [generateOperatorFor(config, teacher, [], now), dedupOperatorFor(config, [], now), respondOperatorFor(config, teacher, now)];
  assert.deepEqual(OPERATOR_INPUTS, [
    ...operators.map((op) => ({ operator: op.descriptor.id, inputs: [op.descriptor.input] })),
    { operator: SINK_ID, inputs: SINK_INPUTS },
  ]);
  assert.deepEqual(SINK_INPUTS, ['examples', 'dropped', 'dlq', 'teacher-requests']);
});
