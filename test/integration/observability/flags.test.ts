/** `--metrics-port` and `--log-format` on run, operator and train: a bad value is a one-line usage error (exit 2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lamini } from '../../helpers/cli.ts';

/** One bad value per command (each parses both flags the same way, through cli/args.ts). */
const CASES = [
  [['run', '--log-format', 'xml'], /^lamini: --log-format must be one of text, json, got "xml"$/],
  [['operator', 'dedup', '--brokers', '127.0.0.1:1', '--metrics-port', '70000'], /^lamini: --metrics-port must be a port from 0 to 65535, got "70000"$/],
  [['train', '--metrics-port', 'nine'], /^lamini: --metrics-port must be an integer >= 0, got "nine"$/],
] as const;

test('a bad --log-format or --metrics-port names the flag in one line, before anything starts', async () => {
  for (const [args, message] of CASES) {
    const r = await lamini([...args, '--data-dir', '/nonexistent/lamini-obs']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('--help of run, operator and train lists both flags', async () => {
  for (const command of ['run', 'operator', 'train']) {
    const r = await lamini([command, '--help']);
    assert.match(r.stdout, /--metrics-port N +serve Prometheus metrics at http:\/\/127\.0\.0\.1:N\/metrics/);
    assert.match(r.stdout, /--log-format FORMAT +text \(default/);
  }
});
