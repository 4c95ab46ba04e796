import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dedupFile } from '../../../cli/commands/dedup.ts';
import { MinHashIndex } from '../../../operators/dedup/minhash/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = (): string => mkdtempSync(join(tmpdir(), 'lamini-dedup-'));

const LINES = [
  JSON.stringify({ id: 'a', text: 'Write a haiku about autumn leaves falling in the quiet park' }),
  JSON.stringify({ id: 'b', text: 'Write a haiku about autumn leaves falling in the quiet park, please' }),
  '{"id": "broken", "text": ',
  JSON.stringify({ id: 'c', text: 'Summarise the causes of the French Revolution in three sentences' }),
  '',
  JSON.stringify({ id: 'd', body: 'no text field here' }),
  JSON.stringify({ id: 'e', text: 'WRITE A HAIKU ABOUT AUTUMN LEAVES FALLING IN THE QUIET PARK' }),
  JSON.stringify({ text: 'Summarise the causes of the French Revolution in three sentences.' }),
];

test('dedupFile: kept lines copied, dropped ids with duplicate_of, bad lines counted with their numbers', async () => {
  const d = dir();
  const input = join(d, 'in.jsonl');
  writeFileSync(input, `${LINES.join('\n')}\n`);
  const problems: string[] = [];
  const summary = await dedupFile({
    input, field: 'text', idField: 'id', output: join(d, 'kept.jsonl'), dropped: join(d, 'dropped.jsonl'),
    index: new MinHashIndex(), onLineError: (line, message) => problems.push(`${line}: ${message}`),
  });
  assert.deepEqual({ ...summary, seconds: 0, records_per_second: 0 }, {
    input, index: '3ng_128perm_32b4r_t0.7', records: 5, kept: 2, dropped: 3, errors: 2, seconds: 0, records_per_second: 0,
  });
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^3: not valid JSON/);
  assert.match(problems[1]!, /^6: has no string field "text"/);
  assert.deepEqual(readFileSync(join(d, 'kept.jsonl'), 'utf8'), `${LINES[0]}\n${LINES[3]}\n`);
  const dropped = readFileSync(join(d, 'dropped.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(dropped.map((r) => [r.id, r.duplicate_of, r.line]), [['b', 'a', 2], ['e', 'a', 7], ['8', 'c', 8]]);
});

test('lamini dedup (spawned): --json summary, --threshold, usage errors', () => {
  const d = dir();
  const input = join(d, 'in.jsonl');
  writeFileSync(input, `${LINES.join('\n')}\n`);
  const run = (...args: string[]) => spawnSync(process.execPath, ['cli/main.ts', 'dedup', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LAMINI_DATA_DIR: d } });
  const ok = run('--input', input, '--json', '--dropped', join(d, 'dropped.jsonl'));
  assert.equal(ok.status, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout) as Record<string, number>;
  assert.deepEqual([summary.records, summary.kept, summary.dropped, summary.errors], [5, 2, 3, 2]);
  assert.ok(summary.seconds! >= 0 && summary.records_per_second! > 0);
  assert.match(ok.stderr, /in\.jsonl:3: not valid JSON/);
  const strict = run('--input', input, '--json', '--threshold', '1');
  assert.equal((JSON.parse(strict.stdout) as Record<string, number>).dropped, 2, 'only the copies with identical shingles');
  assert.equal(run('--json').status, 2);
  assert.equal(run('--input', input, '--threshold', '2').status, 2);
  assert.equal(run('--input', join(d, 'missing.jsonl')).status, 1);
});
