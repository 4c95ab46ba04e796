import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { isRebalance, isRetriable, toLaminiError } from '../../../streams/kafka/errors.ts';

test('regression: a rebalance is retried (rejoin), not fatal: a member killed mid-run made the surviving respond member exit on ILLEGAL_GENERATION', () => {
  const join = new MultipleErrors('joinGroup failed 4 times.', [new ProtocolError('REBALANCE_IN_PROGRESS')]);
  for (const error of [join, new ProtocolError('ILLEGAL_GENERATION'), new ProtocolError('UNKNOWN_MEMBER_ID')]) {
    assert.equal(isRetriable(error), true);
    assert.equal(isRebalance(toLaminiError(error, 'commit')), true, 'a rebalance is not reported as the broker being away');
  }
  assert.equal(isRetriable(new ProtocolError('TOPIC_AUTHORIZATION_FAILED')), false);
  assert.equal(isRebalance(new ProtocolError('NOT_COORDINATOR')), false);
});
