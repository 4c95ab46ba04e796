import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, redactConfig } from '../../../common/config.ts';
import { LaminiError } from '../../../common/errors.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'lamini-config-'));

test('defaults, then file, then environment, then flags', () => {
  const cwd = dir();
  writeFileSync(join(cwd, 'lamini.config.json'), JSON.stringify({
    dataDir: '/from/file', teacher: { model: 'file-model', concurrency: 3 }, generation: { mix: { alpaca: 1 } },
  }));
  const c = loadConfig({
    cwd, env: { LAMINI_DATA_DIR: '/from/env', LAMINI_TEACHER_MODEL: 'env-model' }, flags: { dataDir: '/from/flag' },
  });
  assert.equal(c.dataDir, '/from/flag');
  assert.equal(c.teacher.model, 'env-model');
  assert.equal(c.teacher.concurrency, 3);
  assert.equal(c.teacher.temperature, 0.7, 'defaults stay where nothing overrides them');
  assert.equal(c.generation.mix.alpaca, 1);
  assert.equal(c.generation.mix.original_flan, 0.93, 'maps merge with the defaults');
});

test('YAML config files are read too', () => {
  const cwd = dir();
  writeFileSync(join(cwd, 'lamini.config.yaml'), 'teacher:\n  baseUrl: http://127.0.0.1:9/v1\nsink:\n  maxRows: 10\n');
  const c = loadConfig({ cwd, env: {} });
  assert.equal(c.teacher.baseUrl, 'http://127.0.0.1:9/v1');
  assert.equal(c.sink.maxRows, 10);
});

test('every bad key is named in one error', () => {
  const cwd = dir();
  writeFileSync(join(cwd, 'lamini.config.json'), JSON.stringify({
    teacher: { concurency: 2, temperature: 'hot' }, transport: 'carrier-pigeon',
  }));
  try {
    loadConfig({ cwd, env: { LAMINI_RUN_SEED: '1.5' } });
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof LaminiError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /teacher\.concurency is not a known setting/);
    assert.match(error.message, /teacher\.temperature must be a number/);
    assert.match(error.message, /transport must be one of embedded, kafka/);
    assert.match(error.message, /runSeed must be an integer/);
  }
});

test('a broken config file is a one-line error naming the file', () => {
  const cwd = dir();
  writeFileSync(join(cwd, 'lamini.config.json'), '{ nope');
  assert.throws(() => loadConfig({ cwd, env: {} }), (e: unknown) =>
    e instanceof LaminiError && e.code === 'CONFIG_INVALID' && e.message.includes('lamini.config.json') && !e.message.includes('\n'));
  assert.throws(() => loadConfig({ cwd, env: {}, file: join(cwd, 'missing.json') }), { code: 'CONFIG_UNREADABLE' });
});

test('the API key is masked when the configuration is shown', () => {
  const c = loadConfig({ cwd: dir(), env: { OPENAI_API_KEY: 'sk-secret-123' } });
  assert.equal(c.teacher.apiKey, 'sk-secret-123');
  assert.equal(redactConfig(c).teacher.apiKey, '***');
  assert.ok(!JSON.stringify(redactConfig(c)).includes('sk-secret-123'));
});
