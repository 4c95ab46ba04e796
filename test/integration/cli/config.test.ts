import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lamini, type CliResult } from '../../helpers/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'lamini-cli-config-'));
const SECRETS = { OPENAI_API_KEY: 'sk-env-secret-7788', LAMINI_SCHEMA_REGISTRY_PASSWORD: 'reg-secret-pw-5566', VLLM_KEY: 'vllm-secret-3344' };

function noSecrets(r: CliResult, extra: string[] = []): void {
  for (const secret of [...Object.values(SECRETS), ...extra]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} must never be printed`);
  }
}

function configFile(dir: string): string {
  const file = join(dir, 'mine.yaml');
  writeFileSync(file, [
    'teacher:', '  model: file-model', '  response:', '    apiKeyEnv: VLLM_KEY', '    apiKey: sk-file-secret-9911',
    'kafka:', '  schemaRegistryUser: lamini', 'sink:', '  maxRows: 10',
  ].join('\n'));
  return file;
}

test('config print: every key, its value and its source, secrets masked', async () => {
  const dir = tmp();
  const file = configFile(dir);
  const r = await lamini(['config', 'print', '--config', file, '--model', 'flag-model', '--data-dir', dir, '--stall-timeout', '9'],
    { ...SECRETS, LAMINI_TEACHER_CONCURRENCY: '5' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  noSecrets(r, ['sk-file-secret-9911']);
  const line = (key: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
  assert.match(line('teacher.model'), /"flag-model"\s+\(flag --model\)$/);
  assert.match(line('dataDir'), /\(flag --data-dir\)$/);
  assert.match(line('run.stallTimeoutMs'), /9000\s+\(flag --stall-timeout\)$/);
  assert.match(line('teacher.concurrency'), /5\s+\(env LAMINI_TEACHER_CONCURRENCY\)$/);
  assert.match(line('sink.maxRows'), new RegExp(`10\\s+\\(file ${file.replace(/[.]/g, '\\.')}\\)$`));
  assert.match(line('sink.maxAgeMs'), /60000\s+\(default\)$/);
  assert.match(line('teacher.apiKey'), /"\*\*\*"\s+\(env OPENAI_API_KEY\)$/);
  assert.match(line('teacher.response.apiKey'), /"\*\*\*"\s+\(env VLLM_KEY\)$/);
  assert.match(line('kafka.schemaRegistryPassword'), /"\*\*\*"\s+\(env LAMINI_SCHEMA_REGISTRY_PASSWORD\)$/);

  const j = await lamini(['config', 'print', '--json', '--config', file], SECRETS);
  assert.equal(j.code, 0, j.stderr);
  noSecrets(j, ['sk-file-secret-9911']);
  const parsed = JSON.parse(j.stdout) as { file: string; config: Record<string, { value: unknown; source: string }> };
  assert.equal(parsed.file, file);
  assert.deepEqual(parsed.config['teacher.model'], { value: 'file-model', source: `file ${file}` });
  assert.deepEqual(parsed.config['teacher.apiKey'], { value: '***', source: 'env OPENAI_API_KEY' });
  assert.deepEqual(parsed.config['teacher.instruction.model'], { value: null, source: 'default' });
});

test('config print: an invalid configuration is one line and exit 2, without the secrets', async () => {
  const dir = tmp();
  const r = await lamini(['config', 'print', '--data-dir', dir, '--concurrency', 'lots'], SECRETS);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^lamini: invalid configuration: teacher\.concurrency must be a number/);
  noSecrets(r);
});

test('config check FILE: one line and exit 0 when valid; every problem with its path and exit 2 when not', async () => {
  const dir = tmp();
  const good = await lamini(['config', 'check', configFile(dir)], SECRETS);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout.trim().split('\n').length, 1);
  assert.match(good.stdout, /mine\.yaml: valid \(4 keys set by the file, 3 by the environment\)/);
  noSecrets(good);

  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ teacher: { concurency: 2, temperature: 'hot', apiKey: 'sk-file-secret-9911' }, transport: 'carrier-pigeon' }));
  const r = await lamini(['config', 'check', bad], { ...SECRETS, LAMINI_RUN_SEED: '1.5' });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    `lamini: ${bad} is not valid (4 problems):`,
    '  teacher.concurency is not a known setting',
    '  teacher.temperature must be a number',
    '  transport must be one of embedded, kafka',
    '  runSeed must be an integer (env LAMINI_RUN_SEED)',
  ]);
  noSecrets(r, ['sk-file-secret-9911']);

  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ nope');
  const b = await lamini(['config', 'check', broken]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /^lamini: config file .*broken\.json is not valid: /);
  const missing = await lamini(['config', 'check', join(dir, 'missing.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^lamini: cannot read config file .*missing\.json\n$/);
  const usage = await lamini(['config', 'check']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /config check takes one FILE/);
});

test('config is in lamini --help and has its own help', async () => {
  const main = await lamini(['--help']);
  assert.match(main.stdout, /config print/);
  assert.match(main.stdout, /config check FILE/);
  const own = await lamini(['config', '--help']);
  assert.equal(own.code, 0);
  assert.match(own.stdout, /Usage: lamini config print/);
  assert.match(own.stdout, /lamini config check FILE/);
  const unknown = await lamini(['config', 'frob']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown config command "frob"/);
});
