import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, LaminiError } from '../../../../common/errors.ts';
import { selectBackend, type BackendChoice, type SelectOptions } from '../../../../trainers/backend/select.ts';
import { scratchProject } from './fixtures.ts';

async function assertUnavailable(choice: BackendChoice, options: SelectOptions, reason: RegExp): Promise<void> {
  await assert.rejects(selectBackend(choice, options), (error) => {
    assert.ok(error instanceof LaminiError);
    assert.equal(error.code, ErrorCodes.BACKEND_UNAVAILABLE);
    assert.equal(error.details['backend'], choice);
    assert.ok(!error.message.includes('\n'), 'one line');
    assert.match(error.message, reason);
    return true;
  });
}

function fakePackage(root: string, name: string, napiVersions: number[] = [8]): void {
  const dir = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '4.22.0', binary: { napi_versions: napiVersions } }));
}

test('forcing a backend that cannot start is BACKEND_UNAVAILABLE, in one line', async () => {
  const project = scratchProject();
  try {
    const options = { projectRoot: project.root, gpuVisible: () => true };
    await assertUnavailable('tensorflow', options, /tfjs-node is not installed \(run: node scripts\/install-tensorflow\.ts\)/);
    await assertUnavailable('tensorflow-gpu', options, /tfjs-node-gpu is not installed/);

    fakePackage(project.root, '@tensorflow/tfjs-node');
    await assertUnavailable('tensorflow', options, /has no built addon/);

    fakePackage(project.root, '@tensorflow/tfjs-node-gpu');
    await assertUnavailable('tensorflow-gpu', { projectRoot: project.root, gpuVisible: () => false }, /no GPU is visible/);
  } finally {
    project.cleanup();
  }
});

test('auto falls back past missing native packages to wasm, and says why', async () => {
  const project = scratchProject();
  try {
    const selected = await selectBackend('auto', { projectRoot: project.root, gpuVisible: () => false });
    assert.equal(selected.name, 'wasm');
    assert.match(selected.detail, /passed over: tensorflow: @tensorflow\/tfjs-node is not installed/);
    assert.doesNotMatch(selected.detail, /tfjs-node-gpu/);
  } finally {
    project.cleanup();
  }
  assert.ok(!readFileSync('/proc/self/maps', 'utf8').includes('libtensorflow'), 'no native library was loaded');
});
