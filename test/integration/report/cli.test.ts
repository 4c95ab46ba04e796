import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lamini } from '../../helpers/cli.ts';
import { tempDataDir } from '../../unit/corpus/fixtures.ts';
import { writeFixture } from '../../unit/report/fixture.ts';

test('lamini report writes one page and says what is in it; a skipped checkpoint is named on stderr', async (t) => {
  const dir = await tempDataDir(t);
  const facts = await writeFixture(dir);
  await mkdir(join(dir, 'sub'));
  const out = join(dir, 'sub', 'r.html');
  const r = await lamini(['report', '--data-dir', dir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^wrote ${out.replaceAll('/', '\\/')} \\([\\d.]+ MiB\\) in [\\d.]+ s: ${facts.examples.length} examples, 1 training run, \\d+ evaluation results, \\d+ ratings\\n$`));
  assert.match(r.stderr, /^lamini report: skipped .*checkpoint-broken\/trainer_state\.json: CHECKPOINT_INVALID/);
  const html = await readFile(out, 'utf8');
  assert.ok(html.startsWith('<!doctype html>'));
  assert.ok((await stat(out)).size > 200_000);

  const nowhere = await lamini(['report', '--data-dir', dir, '--out', join(dir, 'no-such-folder', 'r.html')]);
  assert.equal(nowhere.code, 1);
  assert.equal(nowhere.stderr, `lamini: cannot write the report to ${join(dir, 'no-such-folder', 'r.html')}: no folder ${join(dir, 'no-such-folder')}\n`);
});

test('--checkpoints takes several folders; a stray argument without it is a usage error', async (t) => {
  const dir = await tempDataDir(t);
  await writeFixture(dir, { results: false });
  const out = join(dir, 'r.html');
  const ok = await lamini(['report', '--data-dir', dir, '--out', out, '--checkpoints', join(dir, 'checkpoints', 'checkpoint-20'), join(dir, 'nothing-here')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /1 training run,/);
  assert.equal(ok.stderr, '', 'only the named checkpoint was read, not the broken one beside it');

  const bad = await lamini(['report', '--data-dir', dir, 'stray']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'lamini: unexpected argument "stray" (see "lamini report --help")\n');
  const help = await lamini(['report', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: lamini report/);
});
