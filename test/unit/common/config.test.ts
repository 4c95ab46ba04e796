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

test('kafka.wireFormat confluent needs a schema registry URL without credentials; the password is masked', () => {
  const env = (vars: Record<string, string>) => loadConfig({ cwd: dir(), env: vars });
  assert.equal(env({}).kafka.wireFormat, 'single-object');
  const noUrl = (() => { try { env({ LAMINI_WIRE_FORMAT: 'confluent' }); } catch (e) { return e; } })();
  assert.ok(noUrl instanceof LaminiError && noUrl.code === 'CONFIG_INVALID');
  assert.match(noUrl.message, /kafka\.schemaRegistryUrl must be set when kafka\.wireFormat is confluent/);
  assert.throws(() => env({ LAMINI_WIRE_FORMAT: 'avro' }), /kafka\.wireFormat must be one of single-object, confluent/);
  assert.throws(() => env({ LAMINI_SCHEMA_REGISTRY_URL: 'ftp://x' }), /kafka\.schemaRegistryUrl must be an http:\/\/ or https:\/\/ URL/);
  const withCreds = (() => { try { env({ LAMINI_SCHEMA_REGISTRY_URL: 'https://me:hunter2-pw@sr.example:8081' }); } catch (e) { return e; } })();
  assert.ok(withCreds instanceof LaminiError);
  assert.match(withCreds.message, /must not hold credentials/);
  assert.ok(!withCreds.message.includes('hunter2-pw') && !JSON.stringify(withCreds.details).includes('hunter2-pw'));

  const c = env({
    LAMINI_WIRE_FORMAT: 'confluent', LAMINI_SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081',
    LAMINI_SCHEMA_REGISTRY_USER: 'lamini', LAMINI_SCHEMA_REGISTRY_PASSWORD: 'reg-secret-pw',
  });
  assert.deepEqual([c.kafka.wireFormat, c.kafka.schemaRegistryUrl, c.kafka.schemaRegistryUser], ['confluent', 'http://127.0.0.1:8081', 'lamini']);
  assert.equal(c.kafka.schemaRegistryPassword, 'reg-secret-pw');
  assert.equal(redactConfig(c).kafka.schemaRegistryPassword, '***');
  assert.ok(!JSON.stringify(redactConfig(c)).includes('reg-secret-pw'));
});
