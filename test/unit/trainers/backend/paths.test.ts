import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { napiBuildVersion, tensorflowPaths } from '../../../../trainers/backend/paths.ts';
import { nvidiaGpuVisible } from '../../../../trainers/backend/gpu.ts';
import { shimLegacyUtil } from '../../../../trainers/backend/node-util-shim.ts';

test('the library lives under LAMINI_CACHE_DIR/tensorflow/2.21.0', () => {
  const paths = tensorflowPaths({ LAMINI_CACHE_DIR: '/c' });
  assert.equal(paths.lib, '/c/tensorflow/2.21.0/lib');
  assert.equal(paths.include, '/c/tensorflow/2.21.0/include');
  assert.equal(paths.cachedAddon(8), '/c/tensorflow/2.21.0/addon/tfjs-node-4.22.0/napi-v8/tfjs_binding.node');
});

test('the N-API build version is the highest the package lists that Node supports', () => {
  assert.equal(napiBuildVersion([3, 4, 5, 6, 7, 8], 10), 8);
  assert.equal(napiBuildVersion([3, 4, 5, 6, 7, 8], 6), 6);
  assert.throws(() => napiBuildVersion([9], 8), /supports N-API 8/);
});

test('a GPU is visible when the driver lists one and CUDA_VISIBLE_DEVICES does not hide it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lamini-gpus-'));
  try {
    assert.equal(nvidiaGpuVisible({}, dir), false, 'driver lists none');
    mkdirSync(join(dir, '0000:00:1e.0'));
    assert.equal(nvidiaGpuVisible({}, dir), true);
    assert.equal(nvidiaGpuVisible({ CUDA_VISIBLE_DEVICES: '0' }, dir), true);
    assert.equal(nvidiaGpuVisible({ CUDA_VISIBLE_DEVICES: '' }, dir), false);
    assert.equal(nvidiaGpuVisible({ CUDA_VISIBLE_DEVICES: '-1' }, dir), false);
    assert.equal(nvidiaGpuVisible({}, join(dir, 'missing')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the util shim answers like the deprecated functions did', () => {
  const target: { isNullOrUndefined?: (v: unknown) => boolean; isArray?: (v: unknown) => boolean } = {};
  shimLegacyUtil(target);
  assert.deepEqual([null, undefined, 0, ''].map((v) => target.isNullOrUndefined?.(v)), [true, true, false, false]);
  assert.deepEqual([[], {}, 'a'].map((v) => target.isArray?.(v)), [true, false, false]);
});
