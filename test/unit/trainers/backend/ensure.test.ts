import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, LaminiError } from '../../../../common/errors.ts';
import { ensureBackend, type EnsureOptions } from '../../../../trainers/backend/ensure.ts';
import type { NativeInstallResult } from '../../../../trainers/backend/native-install.ts';

const RESULT: NativeInstallResult = {
  status: 'installed',
  library: 'downloaded',
  package: 'restored',
  addon: 'built',
  libDir: '/cache/tensorflow/2.21.0/lib',
  binding: '/p/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node',
  seconds: 31.2,
};

function harness(installed: boolean, outcome: 'ok' | 'fail') {
  const lines: string[] = [];
  const state = { installs: 0 };
  const options: EnsureOptions = {
    log: (line) => lines.push(line),
    installed: () => installed,
    platform: 'linux',
    arch: 'x64',
    install: async () => {
      state.installs += 1;
      if (outcome === 'fail') throw new LaminiError(ErrorCodes.TENSORFLOW_INSTALL_FAILED, 'library step failed (offline)');
      return RESULT;
    },
  };
  return { lines, state, options };
}

test('auto and tensorflow install on first use when the addon is missing, and log it', async () => {
  for (const choice of ['auto', 'tensorflow'] as const) {
    const h = harness(false, 'ok');
    assert.equal(await ensureBackend(choice, h.options), RESULT);
    assert.equal(h.state.installs, 1);
    assert.equal(h.lines.length, 2);
    assert.match(h.lines[1] ?? '', /native TensorFlow ready in 31\.2 s \(\/cache\/tensorflow\/2\.21\.0\/lib\)/);
  }
});

test('nothing to do when installed, or for wasm and cpu, or for auto on another platform', async () => {
  const installed = harness(true, 'ok');
  assert.equal(await ensureBackend('auto', installed.options), undefined);
  for (const choice of ['wasm', 'cpu', 'tensorflow-gpu'] as const) {
    const h = harness(false, 'ok');
    assert.equal(await ensureBackend(choice, h.options), undefined);
    assert.equal(h.state.installs, 0);
  }
  const mac = harness(false, 'ok');
  assert.equal(await ensureBackend('auto', { ...mac.options, platform: 'darwin', arch: 'arm64' }), undefined);
  assert.equal(mac.state.installs + installed.state.installs, 0);
});

test('a failed install is logged and passed over for auto, and is the error for tensorflow', async () => {
  const auto = harness(false, 'fail');
  assert.equal(await ensureBackend('auto', auto.options), undefined);
  assert.ok(auto.lines.some((l) => l.includes('TENSORFLOW_INSTALL_FAILED: library step failed (offline)')));
  assert.match(auto.lines.at(-1) ?? '', /going on without native TensorFlow/);

  const forced = harness(false, 'fail');
  await assert.rejects(ensureBackend('tensorflow', forced.options), (e) => e instanceof LaminiError && e.code === ErrorCodes.TENSORFLOW_INSTALL_FAILED);
});
