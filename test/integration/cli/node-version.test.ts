/**
 * On a Node older than package.json's engines, every entry point users run prints one line naming the
 * version needed and how to get it, instead of Node's stack trace about the `.ts` extension.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OLD_NODE = '/usr/bin/node';
const root = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const needed = Number(/(\d+)/.exec((JSON.parse(readFileSync(root('package.json'), 'utf8')) as { engines: { node: string } }).engines.node)?.[1]);
const oldMajor = existsSync(OLD_NODE) ? Number(spawnSync(OLD_NODE, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout.trim()) : NaN;
const skip = Number.isNaN(oldMajor)
  ? `${OLD_NODE} is not there: no older Node to try the entry points on`
  : oldMajor >= needed ? `${OLD_NODE} is Node ${oldMajor}, not older than the ${needed} package.json asks for` : false;

const ENTRY_POINTS = [['lamini', 'cli/lamini.mjs'], ['install-tensorflow', 'scripts/install-tensorflow.mjs']] as const;

for (const [name, entry] of ENTRY_POINTS) {
  test(`${entry} on an old Node: one line with the version needed and how to get it`, { skip }, () => {
    const r = spawnSync(OLD_NODE, [root(entry), '--version'], { encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' } });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`^${name}: needs Node\\.js ${needed} or later, this is Node ${oldMajor}\\.`));
    assert.match(lines[0]!, /source scripts\/node22\.sh/);
    assert.match(lines[0]!, new RegExp(`install Node ${needed}`));
    assert.doesNotMatch(r.stderr, /ERR_UNKNOWN_FILE_EXTENSION|\n\s+at /);
  });
}

test('cli/lamini.mjs on this Node runs the CLI from source', () => {
  const r = spawnSync(process.execPath, [root('cli/lamini.mjs'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(root('package.json'), 'utf8')) as { version: string }).version);
  const bin = (JSON.parse(readFileSync(root('package.json'), 'utf8')) as { bin: Record<string, string> }).bin.lamini;
  assert.equal(bin, 'cli/lamini.mjs', 'the lamini bin is the launcher that checks the version');
});
