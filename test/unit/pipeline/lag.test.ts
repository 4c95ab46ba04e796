import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../common/config.ts';
import { SINK_ID } from '../../../operators/sink/sink.ts';
import { OPERATOR_INPUTS } from '../../../pipeline/lag.ts';
import { dedupStage, generateStage, respondStage } from '../../../pipeline/stages.ts';
import { SINK_INPUTS } from '../../../operators/sink/stage.ts';
import { TeacherDouble } from '../../helpers/teacher-double.ts';

test('the lag table names every operator group and input topic the runner and the sink loop really use', () => {
  const config = loadConfig({ env: {} });
  const teacher = new TeacherDouble(() => '');
  const now = (): number => 0;
  const stages = [generateStage({ config, teacher, seeds: [], now }), dedupStage(config, [], now), respondStage({ config, teacher, now })];
  assert.deepEqual(OPERATOR_INPUTS, [
    ...stages.map((stage) => ({ operator: stage.id, inputs: stage.inputs.map((i) => i.topic) })),
    { operator: SINK_ID, inputs: SINK_INPUTS },
  ]);
  assert.deepEqual(SINK_INPUTS, ['examples', 'dropped', 'dlq', 'teacher-requests']);
});
