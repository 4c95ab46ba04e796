/** Training metrics follow the trainer's log entries: loss, eval loss, tokens per second, step and examples. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../../../observability/metrics.ts';
import type { LogEntry } from '../../../trainers/state.ts';

const entry = (step: number, over: Partial<LogEntry> = {}): LogEntry => ({
  step, lr: 1e-3, grad_norm: 1, tokens_per_second: 100 * step, examples: 8 * step, epoch: 0, time: '2026-01-01T00:00:00Z', ...over,
});

test('the gauges show the last logged step; examples count up', async () => {
  const metrics = new Metrics();
  const train = metrics.train('tiny');
  train.log(entry(0));
  train.log(entry(1, { loss: 4.5 }));
  train.log(entry(2, { loss: 4.25, eval_loss: 4.75 }));
  const text = await metrics.registry.metrics();
  assert.match(text, /^lamini_train_loss\{model="tiny"\} 4\.25$/m);
  assert.match(text, /^lamini_train_eval_loss\{model="tiny"\} 4\.75$/m);
  assert.match(text, /^lamini_train_tokens_per_second\{model="tiny"\} 200$/m);
  assert.match(text, /^lamini_train_step\{model="tiny"\} 2$/m);
  assert.match(text, /^lamini_train_examples_total\{model="tiny"\} 16$/m);
  assert.match(text, /^# TYPE lamini_train_examples_total counter$/m);
  assert.doesNotMatch(text, /lamini_operator_records_in_total|lamini_teacher_/, 'only the groups a command uses are registered');
  assert.match(text, /^lamini_process_cpu_seconds_total /m, 'process metrics share the prefix');
});
