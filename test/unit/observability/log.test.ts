/** The JSON log format: one object per line with time, level, command, msg and the event's fields; no secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLogger, logLine, scrubLine } from '../../../observability/log.ts';

const KEY = 'sk-test-OBSERVE-91c2f7aa';

function capture(): { lines: string[]; destination: { write(s: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => lines.push(...s.split('\n').filter((l) => l !== '')) } };
}

test('every JSON line has time, level, command and msg, then the fields of the event', () => {
  const out = capture();
  const log = jsonLogger({ command: 'operator', base: { operator: 'generate' }, secrets: [], destination: out.destination });
  log.info('joined group', { partitions: 3 });
  logLine(log, 'WARNING: every generation call is failing');
  log.error('broken', { time: 'not the time', level: 99, code: 'X' });
  assert.equal(out.lines.length, 3);
  const parsed = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const p of parsed) {
    assert.match(String(p['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(p['command'], 'operator');
    assert.equal(p['operator'], 'generate');
    assert.equal(typeof p['msg'], 'string');
  }
  assert.deepEqual(parsed.map((p) => p['level']), ['info', 'warn', 'error']);
  assert.equal(parsed[0]!['partitions'], 3);
  assert.equal(parsed[2]!['code'], 'X');
  // An event's field named like a common one is left out, never written twice.
  assert.equal(out.lines[2]!.match(/"time"/g)?.length, 1);
  assert.equal(out.lines[2]!.match(/"level"/g)?.length, 1);
});

test('a secret in a message or a field never reaches a JSON line, and the line still parses', () => {
  const out = capture();
  const log = jsonLogger({ command: 'run', secrets: [KEY], destination: out.destination });
  log.info(`teacher said: bad key ${KEY}`, { header: `Bearer ${KEY}`, nested: { key: KEY } });
  assert.equal(out.lines.length, 1);
  assert.ok(!out.lines[0]!.includes(KEY), out.lines[0]);
  const p = JSON.parse(out.lines[0]!) as { msg: string; nested: { key: string } };
  assert.match(p.msg, /\[redacted\]/);
  assert.equal(p.nested.key, '[redacted]');
});

test('scrubLine removes key-shaped strings even with no secret configured', () => {
  assert.equal(scrubLine(`{"msg":"key sk-live-abcdef123456"}`, []), '{"msg":"key [redacted]"}');
});
