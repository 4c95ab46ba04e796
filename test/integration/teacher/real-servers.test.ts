/**
 * `lamini run` (embedded transport) against doubles of two real servers' behaviour (test/helpers/real-server-doubles.ts):
 * llama-cpp-python, which answers `response_format: json_schema` with HTTP 500, and llama.cpp's llama-server,
 * which names the model by its file path in every reply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamini } from '../../helpers/cli.ts';
import { LLAMA_SERVER_MODEL_PATH, startLlamaCppPythonDouble, startLlamaServerDouble } from '../../helpers/real-server-doubles.ts';

function dataDir(): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-real-servers-'));
  const config = join(dir, 'lamini.config.json');
  writeFileSync(config, JSON.stringify({ sink: { maxRows: 10, maxAgeMs: 200 }, teacher: { concurrency: 2 } }));
  return { dir, config };
}

async function query(dir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const q = await lamini(['query', sql, '--format', 'json', '--data-dir', dir]);
  assert.equal(q.code, 0, q.stderr);
  return JSON.parse(q.stdout) as Array<Record<string, unknown>>;
}

const formatOf = (body: unknown): string => String((body as { response_format?: { type?: unknown } }).response_format?.type ?? 'text');

test('regression: a llama-cpp-python teacher (json_schema answered with HTTP 500) yields generated instructions with no setting', async () => {
  const server = await startLlamaCppPythonDouble();
  const { dir, config } = dataDir();
  try {
    const run = await lamini(['run', '--target', '30', '--data-dir', dir, '--config', config, '--teacher-url', server.baseURL, '--model', 'qwen-local']);
    assert.equal(run.code, 0, run.stderr);
    const told = run.stderr.split('\n').filter((l) => l.includes('does not accept response_format'));
    assert.equal(told.length, 1, run.stderr);
    assert.match(told[0]!, /teacher qwen-local does not accept response_format json_schema \(HTTP 500: .*Input should be 'text' or 'json_object'.*\); asking it for json_object from now on/);
    assert.doesNotMatch(run.stderr, /WARNING/);

    const formats = server.requests.map((r) => formatOf(r.body));
    const refused = formats.filter((f) => f === 'json_schema').length;
    // Only the generation calls in flight when the first refusal came back were asked json_schema; none was retried.
    assert.ok(refused >= 1 && refused <= 4, `json_schema asked ${refused} times`);
    assert.ok(formats.filter((f) => f === 'json_object').length > 0);

    const [generated] = await query(dir, "select count(*)::int as n from examples where generation_mode <> 'seed'");
    assert.ok(Number(generated?.['n']) > 0, 'generated instructions were answered and committed');
    assert.deepEqual(await query(dir, "select reason, count(*)::int as n from dead_letters where reason like 'teacher_%' group by 1"), []);
    assert.deepEqual(await query(dir, "select retries, count(*)::int as n from teacher_requests where status = 'TEACHER_FORMAT_UNSUPPORTED' group by 1"), [{ retries: 0, n: refused }]);
  } finally {
    await server.close();
  }
});

test('regression: llama-server names the model by its path: rows, examples and spend are keyed on the configured name, the path kept beside it', async () => {
  const server = await startLlamaServerDouble();
  const { dir, config } = dataDir();
  try {
    const run = await lamini(['run', '--target', '20', '--data-dir', dir, '--config', config, '--teacher-url', server.baseURL, '--model', 'local-gguf']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await query(dir, 'select distinct model, server_model from teacher_requests'), [{ model: 'local-gguf', server_model: LLAMA_SERVER_MODEL_PATH }]);
    assert.deepEqual(await query(dir, 'select distinct teacher_model from examples'), [{ teacher_model: 'local-gguf' }]);
    const stats = await lamini(['stats', '--json', '--data-dir', dir]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.deepEqual(Object.keys((JSON.parse(stats.stdout) as { teacher: { by_model: Record<string, unknown> } }).teacher.by_model), ['local-gguf']);
  } finally {
    await server.close();
  }
});
