import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEYS, loadConfig, resolveConfig } from '../../../common/config.ts';
import { LaminiError } from '../../../common/errors.ts';
import { configEntries, configEntriesJson, formatConfigEntries, isSecretKey, MASK } from '../../../common/config-sources.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'lamini-config-sources-'));
const sourceOf = (entries: ReturnType<typeof configEntries>, key: string) => entries.find((e) => e.key === key)?.source;
const valueOf = (entries: ReturnType<typeof configEntries>, key: string) => entries.find((e) => e.key === key)?.value;

test('every key is listed once with where its value came from: default, file, env or flag', () => {
  const cwd = dir();
  const file = join(cwd, 'lamini.config.json');
  writeFileSync(file, JSON.stringify({ dataDir: '/from/file', teacher: { model: 'file-model', concurrency: 3 }, generation: { mix: { alpaca: 1 } } }));
  const resolved = resolveConfig({
    cwd, env: { LAMINI_DATA_DIR: '/from/env', LAMINI_TEACHER_MODEL: 'env-model' },
    flags: { dataDir: '/from/flag', 'teacher.mode': 'batch' }, flagNames: { dataDir: '--data-dir' },
  });
  assert.deepEqual(resolved.issues, []);
  assert.equal(resolved.file, file);
  const entries = configEntries(resolved);
  assert.deepEqual(entries.map((e) => e.key), [...CONFIG_KEYS]);
  assert.equal(sourceOf(entries, 'dataDir'), 'flag --data-dir');
  assert.equal(valueOf(entries, 'dataDir'), '/from/flag');
  assert.equal(sourceOf(entries, 'teacher.mode'), 'flag teacher.mode', 'a flag without a name is labelled by its key');
  assert.equal(sourceOf(entries, 'teacher.model'), 'env LAMINI_TEACHER_MODEL');
  assert.equal(sourceOf(entries, 'teacher.concurrency'), `file ${file}`);
  assert.equal(sourceOf(entries, 'teacher.temperature'), 'default');
  assert.equal(sourceOf(entries, 'generation.mix'), `file ${file}`);
  assert.equal((valueOf(entries, 'generation.mix') as Record<string, number>).original_flan, 0.93, 'maps still merge with the defaults');
  assert.equal(valueOf(entries, 'teacher.instruction.model'), undefined);
  assert.equal(configEntriesJson(entries)['teacher.instruction.model']?.value, null);
  assert.match(formatConfigEntries(entries), /^teacher\.instruction\.model +\(inherits\) +\(default\)$/m);
  assert.match(formatConfigEntries(entries), /^teacher\.model +"env-model" +\(env LAMINI_TEACHER_MODEL\)$/m);
});

test('resolveConfig returns every issue with its origin; loadConfig still throws the same one-line error', () => {
  const cwd = dir();
  const file = join(cwd, 'lamini.config.json');
  writeFileSync(file, JSON.stringify({ teacher: { concurency: 2 }, transport: 'carrier-pigeon' }));
  const env = { LAMINI_RUN_SEED: '1.5' };
  const { issues } = resolveConfig({ cwd, env, flags: { 'teacher.concurrency': '0' }, flagNames: { 'teacher.concurrency': '--concurrency' } });
  assert.deepEqual(issues.map((i) => [i.path, i.message, i.origin]), [
    ['teacher.concurency', 'is not a known setting', { kind: 'file', path: file }],
    ['transport', 'must be one of embedded, kafka', { kind: 'file', path: file }],
    ['runSeed', 'must be an integer', { kind: 'env', name: 'LAMINI_RUN_SEED' }],
    ['teacher.concurrency', 'must be greater than 0', { kind: 'flag', name: '--concurrency' }],
  ]);
  assert.throws(() => loadConfig({ cwd, env }), (e: unknown) => e instanceof LaminiError && e.code === 'CONFIG_INVALID'
    && e.message === 'invalid configuration: teacher.concurency is not a known setting; transport must be one of embedded, kafka; runSeed must be an integer'
    && JSON.stringify(e.details) === JSON.stringify({ issues: [
      { path: 'teacher.concurency', message: 'is not a known setting' },
      { path: 'transport', message: 'must be one of embedded, kafka' },
      { path: 'runSeed', message: 'must be an integer' },
    ] }));
});

test('secrets are masked by key, whatever their source, and never appear anywhere in the output', () => {
  const cwd = dir();
  writeFileSync(join(cwd, 'lamini.config.yaml'), [
    'teacher:', '  apiKey: sk-file-secret-4242', '  baseUrl: http://127.0.0.1:9/v1?key=sk-file-secret-4242',
    '  response:', '    apiKeyEnv: VLLM_KEY', 'kafka:', '  schemaRegistryUser: lamini',
  ].join('\n'));
  const env = { LAMINI_SCHEMA_REGISTRY_PASSWORD: 'reg-secret-pw', VLLM_KEY: 'vllm-secret-key' };
  const resolved = resolveConfig({ cwd, env });
  assert.deepEqual(resolved.issues, []);
  const entries = configEntries(resolved);
  assert.equal(valueOf(entries, 'teacher.apiKey'), MASK);
  assert.equal(valueOf(entries, 'kafka.schemaRegistryPassword'), MASK);
  assert.equal(sourceOf(entries, 'kafka.schemaRegistryPassword'), 'env LAMINI_SCHEMA_REGISTRY_PASSWORD');
  assert.equal(valueOf(entries, 'teacher.response.apiKey'), MASK);
  assert.equal(sourceOf(entries, 'teacher.response.apiKey'), 'env VLLM_KEY', 'a key read through apiKeyEnv names its variable');
  assert.equal(valueOf(entries, 'teacher.instruction.apiKey'), undefined);
  assert.equal(valueOf(entries, 'teacher.baseUrl'), `http://127.0.0.1:9/v1?key=${MASK}`, 'a secret pasted under another key is masked too');
  assert.equal(valueOf(entries, 'kafka.schemaRegistryUser'), 'lamini', 'the user name is not a secret');
  const shown = formatConfigEntries(entries) + JSON.stringify(configEntriesJson(entries));
  for (const secret of ['sk-file-secret-4242', 'reg-secret-pw', 'vllm-secret-key']) assert.ok(!shown.includes(secret), secret);

  const none = configEntries(resolveConfig({ cwd: dir(), env: {} }));
  assert.equal(valueOf(none, 'teacher.apiKey'), '', 'an unset secret shows as empty, not as a mask');
});

test('secret keys: API keys and passwords, nothing else', () => {
  assert.deepEqual(CONFIG_KEYS.filter(isSecretKey), ['kafka.schemaRegistryPassword', 'teacher.apiKey', 'teacher.instruction.apiKey', 'teacher.response.apiKey']);
  assert.equal(isSecretKey('teacher.instruction.apiKeyEnv'), false);
});
