import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutageReporter } from '../../../streams/kafka/outage.ts';

test('outage reporter: one line when the broker goes away, one every 10 s while it stays away, one when it is back', () => {
  let now = 0;
  const lines: string[] = [];
  const r = new OutageReporter((l) => lines.push(l), 120_000, { now: () => now });
  r.ok();
  assert.deepEqual(lines, [], 'nothing to say while the broker answers');
  r.failed('send failed');
  now = 4_000;
  r.failed('commit failed');
  assert.equal(r.down, true);
  now = 10_500;
  r.failed('fetch failed');
  now = 14_000;
  r.ok();
  r.ok();
  assert.deepEqual(lines, [
    'kafka: broker unreachable (send failed); waiting and retrying for up to 120 s',
    'kafka: broker still unreachable after 11 s (fetch failed)',
    'kafka: broker reachable again after 14 s',
  ]);
  assert.equal(r.down, false);
});
