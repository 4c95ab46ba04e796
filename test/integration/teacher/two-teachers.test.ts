/**
 * Two teachers (`teacher.instruction` / `teacher.response`): `lamini run` against two scripted servers asks
 * every instruction call of one and every response call of the other, each under its own key and budget; the
 * ledger rows carry each model and `lamini stats` shows the spend per model. A misspelt override key is a
 * one-line error naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamini } from '../../helpers/cli.ts';
import { isGenerationRequest, startScriptedTeacher } from '../../helpers/scripted-teacher.ts';
import { parseChatRequest } from '../../../teacher/local/wire.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-two-teachers-'));

function kinds(requests: ReadonlyArray<{ body: unknown }>): { generation: number; response: number } {
  const out = { generation: 0, response: 0 };
  for (const r of requests) {
    const parsed = parseChatRequest(r.body);
    assert.ok(parsed.ok);
    if (isGenerationRequest(parsed.request)) out.generation++;
    else out.response++;
  }
  return out;
}

test('two teachers: instructions asked only of one, responses only of the other; stats spend per model', async () => {
  const writer = await startScriptedTeacher({ model: 'writer-model' });
  const answerer = await startScriptedTeacher({ model: 'answerer-model' });
  const dir = tmp();
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({
    sink: { maxRows: 10, maxAgeMs: 200 },
    teacher: {
      concurrency: 4,
      prices: { 'writer-model': { input: 1, output: 2 }, 'answerer-model': { input: 3, output: 4 } },
      response: { apiKeyEnv: 'ANSWERER_KEY', concurrency: 2, temperature: 0.1 },
    },
  }));
  try {
    const run = await lamini([
      'run', '--target', '30', '--data-dir', dir, '--config', config,
      '--instruction-teacher-url', writer.baseURL, '--instruction-model', 'writer-model',
      '--response-teacher-url', answerer.baseURL, '--response-model', 'answerer-model',
    ], { ANSWERER_KEY: 'sk-answerer-key' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /writer-model \(instructions\) \+ answerer-model \(responses\)/);

    const w = kinds(writer.requests);
    const a = kinds(answerer.requests);
    assert.ok(w.generation > 0 && w.response === 0, `writer asked: ${JSON.stringify(w)}`);
    assert.ok(a.response > 0 && a.generation === 0, `answerer asked: ${JSON.stringify(a)}`);
    assert.ok(answerer.requests.every((r) => r.authorization === 'Bearer sk-answerer-key'), 'the response teacher gets its own key');
    assert.ok(answerer.requests.every((r) => (r.body as { temperature?: number }).temperature === 0.1), 'the response temperature override');
    assert.ok(writer.requests.every((r) => (r.body as { temperature?: number }).temperature === 0.7));

    const q = await lamini(['query', 'select model, count(*) as n from teacher_requests group by 1 order by 1', '--format', 'json', '--data-dir', dir]);
    assert.equal(q.code, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), [
      { model: 'answerer-model', n: answerer.count }, { model: 'writer-model', n: writer.count },
    ]);
    const stats = await lamini(['stats', '--json', '--data-dir', dir]);
    assert.equal(stats.code, 0, stats.stderr);
    const byModel = (JSON.parse(stats.stdout) as { teacher: { by_model: Record<string, { requests: number; spend_usd: number }> } }).teacher.by_model;
    assert.equal(byModel['writer-model']?.requests, writer.count);
    assert.equal(byModel['answerer-model']?.requests, answerer.count);
    assert.ok((byModel['writer-model']?.spend_usd ?? 0) > 0 && (byModel['answerer-model']?.spend_usd ?? 0) > 0);
    const text = await lamini(['stats', '--data-dir', dir]);
    assert.match(text.stdout, /spend by model:\n\s+(answerer|writer)-model/);
  } finally {
    await writer.close();
    await answerer.close();
  }
});

test('a bad teacher override is a one-line error naming the key; an unset key variable is named too', async () => {
  const dir = tmp();
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ teacher: { response: { modle: 'x', apiKeyEnv: 'NO_SUCH_KEY_VAR' } } }));
  const r = await lamini(['run', '--target', '1', '--data-dir', dir, '--config', config]);
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /teacher\.response\.modle is not a known setting/);
  assert.match(lines[0]!, /teacher\.response\.apiKeyEnv names NO_SUCH_KEY_VAR, which is not set/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
