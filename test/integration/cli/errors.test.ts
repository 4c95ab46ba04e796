import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamini, type CliResult } from '../../helpers/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-cli-'));

function oneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0]!, /^lamini: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('help and version', async () => {
  const help = await lamini(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: lamini COMMAND/);
  const runHelp = await lamini(['run', '--help']);
  assert.match(runHelp.stdout, /--target N/);
  assert.equal((await lamini(['--version'])).code, 0);
});

test('an unknown option, command or bad value is a one-line usage error with exit 2', async () => {
  oneLineError(await lamini(['run', '--bogus']), 2, /Unknown option '--bogus'/);
  oneLineError(await lamini(['frobnicate']), 2, /unknown command "frobnicate"/);
  oneLineError(await lamini(['run', '--target', 'lots']), 2, /--target must be an integer/);
  oneLineError(await lamini(['query', 'select 1', '--format', 'xml']), 2, /--format must be one of/);
});

test('a bad configuration names the bad key', async () => {
  const dir = tmp();
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ teacher: { concurency: 3 } }));
  oneLineError(await lamini(['stats', '--config', config, '--data-dir', dir]), 2, /teacher\.concurency is not a known setting/);
});

test('a missing or unreadable seed file is one line naming the file', async () => {
  const dir = tmp();
  oneLineError(await lamini(['seed', 'import', join(dir, 'nope.jsonl'), '--source', 'mine', '--data-dir', dir]), 1, /nope\.jsonl/);
  const folder = join(dir, 'a-folder.jsonl');
  (await import('node:fs')).mkdirSync(folder);
  oneLineError(await lamini(['seed', 'import', folder, '--source', 'mine', '--data-dir', dir]), 1, /a-folder\.jsonl/);
});

test('seed import: broken lines, empty and 100 kB instructions are reported, dead-lettered and counted by stats', async () => {
  const dir = tmp();
  const file = join(dir, 'seeds.jsonl');
  writeFileSync(file, [
    JSON.stringify({ instruction: 'Name three rivers in Africa' }),
    '{"instruction": "broken',
    JSON.stringify({ instruction: '' }),
    JSON.stringify({ instruction: 'x'.repeat(100_000) }),
  ].join('\n'));
  const r = await lamini(['seed', 'import', file, '--source', 'mine', '--data-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported 1 seeds/);
  const mapped = join(dir, 'questions.csv');
  writeFileSync(mapped, 'question,answer\n"What is the boiling point of water, at sea level?",100 C\n');
  const m = await lamini(['seed', 'import', mapped, '--source', 'mine', '--field', 'instruction=question', '--field', 'output=answer', '--data-dir', dir]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /imported 1 seeds .*1 new/);
  assert.match(r.stderr, /line 2: .*\[malformed_json\]/);
  assert.match(r.stderr, /\[instruction_empty\]/);
  assert.match(r.stderr, /\[instruction_too_long\]/);
  const stats = JSON.parse((await lamini(['stats', '--json', '--data-dir', dir])).stdout) as {
    dead_letters: { total: number; by_reason: Record<string, number> };
  };
  assert.equal(stats.dead_letters.by_reason.malformed_json, 1);
  assert.equal(stats.dead_letters.by_reason.instruction_empty, 1);
  assert.equal(stats.dead_letters.by_reason.instruction_too_long, 1);
  const pool = readFileSync(join(dir, 'seeds', 'mine.jsonl'), 'utf8');
  assert.match(pool, /boiling point/);
});

test('lamini query cannot write, attach, or read outside the corpus', async () => {
  const dir = tmp();
  const out = join(dir, 'stolen.csv');
  const before = readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]);
  for (const sql of [
    `COPY (select 1) TO '${out}'`,
    `ATTACH '${join(dir, 'x.db')}' AS x`,
    `select * from read_csv('/etc/passwd')`,
    `CREATE TABLE t AS select 1`,
    `SET enable_external_access = true`,
  ]) {
    const r = await lamini(['query', sql, '--data-dir', dir]);
    assert.notEqual(r.code, 0, `${sql} must fail`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(join(dir, 'x.db')), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f !== 'corpus').map((f) => [f, statSync(join(dir, f)).mtimeMs]), before.filter(([f]) => f !== 'corpus'));
  const ok = await lamini(['query', 'select count(*) as n from examples', '--format', 'json', '--data-dir', dir]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), [{ n: 0 }]);
});
