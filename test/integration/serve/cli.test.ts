/** `lamini serve` as a user runs it: the base URL on stdout, an OpenAI client served, Ctrl-C (SIGTERM) exits 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { lamini, startLamini, stopAll } from '../../helpers/cli.ts';
import { waitFor } from '../../helpers/wait.ts';
import { trainTinyStudent } from './tiny-student.ts';

test('lamini serve: URL on stdout, models and chat through the OpenAI client, a clean stop; usage errors are one line', { timeout: 180_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-serve-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const root = await trainTinyStudent(dir, { steps: 10 });
  const proc = startLamini(['serve', '--checkpoint', root, '--port', '0', '--backend', 'tensorflow']);
  t.after(() => stopAll([proc]));
  const baseURL = await waitFor(() => /^http:\/\/127\.0\.0\.1:\d+\/v1$/m.exec(proc.stdout())?.[0] ?? (!proc.running && Promise.reject(new Error(proc.stderr()))), {
    timeoutMs: 60_000, what: 'the base URL',
  });
  const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['student/checkpoint-10']);
  const reply = await client.chat.completions.create({ model: 'student/checkpoint-10', messages: [{ role: 'user', content: 'List three colours.' }], max_tokens: 8 });
  assert.equal(reply.choices.length, 1);
  assert.ok((reply.usage?.completion_tokens ?? 0) > 0);
  assert.match(proc.stderr(), /serving student\/checkpoint-10 \(decoder-only\) at http:\/\/127\.0\.0\.1:\d+\/v1/);
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0, proc.stderr());

  const missing = await lamini(['serve']);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'lamini: --checkpoint DIR is required (see "lamini serve --help")\n');
  const nowhere = await lamini(['serve', '--checkpoint', join(dir, 'nothing')]);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.stderr, /^lamini: .*nothing is neither a model folder/);
  const rate = await lamini(['rate', '--checkpoint', root]);
  assert.equal(rate.code, 2);
  assert.equal(rate.stderr, 'lamini: --instructions FILE is required (see "lamini rate --help")\n');
});
