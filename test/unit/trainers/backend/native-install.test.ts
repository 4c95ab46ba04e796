import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, LaminiError } from '../../../../common/errors.ts';
import { ensureNativeTensorflow, nativeTensorflowInstalled, type NativeInstallOptions } from '../../../../trainers/backend/native-install.ts';
import { LIBRARIES, tensorflowPaths } from '../../../../trainers/backend/paths.ts';
import { buildDouble, downloadDouble, fakeWheel, libraryBytes, restoreDouble, scratchProject } from './fixtures.ts';

function setup() {
  const project = scratchProject();
  const download = downloadDouble();
  const restore = restoreDouble();
  const build = buildDouble();
  const verified: string[] = [];
  const lines: string[] = [];
  const env = { LAMINI_CACHE_DIR: project.cache };
  const options: NativeInstallOptions = {
    env,
    projectRoot: project.root,
    download: download.download,
    strip: async () => false,
    restorePackage: restore.restore,
    buildAddon: build.build,
    verifyAddon: async (binding) => {
      verified.push(binding);
    },
    log: (line) => lines.push(line),
    platform: 'linux',
    arch: 'x64',
  };
  return { project, download, restore, build, verified, lines, env, options };
}

function assertInstallFailed(error: unknown, step: string): true {
  assert.ok(error instanceof LaminiError);
  assert.equal(error.code, ErrorCodes.TENSORFLOW_INSTALL_FAILED);
  assert.equal(error.details['step'], step);
  assert.ok(!error.message.includes('\n'), 'one line');
  assert.match(error.message, /by hand: /);
  return true;
}

test('first call fetches, unpacks, links and builds; the second does nothing', async () => {
  const s = setup();
  try {
    assert.equal(nativeTensorflowInstalled(s.options), false);
    const first = await ensureNativeTensorflow(s.options);
    assert.deepEqual([first.status, first.library, first.package, first.addon], ['installed', 'downloaded', 'restored', 'built']);
    assert.equal(s.download.calls, 1);
    assert.equal(s.build.calls, 1);
    assert.deepEqual(s.verified, [first.binding]);

    const paths = tensorflowPaths(s.env);
    assert.equal(first.libDir, paths.lib);
    for (const l of LIBRARIES) {
      assert.deepEqual(readFileSync(join(paths.lib, l.file)), libraryBytes(l.file));
      assert.equal(readlinkSync(join(paths.lib, l.link)), l.file);
    }
    assert.ok(existsSync(join(paths.include, 'tensorflow', 'c', 'eager', 'c_api.h')));
    assert.ok(existsSync(join(paths.include, 'xla', 'tsl', 'c', 'tsl_status.h')));
    assert.ok(!existsSync(join(paths.include, 'tensorflow', 'core', 'framework')), 'only the needed headers');
    assert.deepEqual(readdirSync(join(s.project.cache, 'tensorflow')), ['2.21.0'], 'no partial folders left');
    const deps = join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node', 'deps');
    assert.equal(realpathSync(join(deps, 'lib')), realpathSync(paths.lib));
    assert.equal(first.binding, join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node', 'lib', 'napi-v8', 'tfjs_binding.node'));
    assert.ok(existsSync(paths.cachedAddon(8)));
    assert.equal(nativeTensorflowInstalled(s.options), true);

    const second = await ensureNativeTensorflow(s.options);
    assert.deepEqual([second.status, second.library, second.package, second.addon], ['ready', 'cache', 'present', 'present']);
    assert.equal(s.download.calls, 1, 'no second download');
    assert.equal(s.restore.calls, 1);
    assert.equal(s.build.calls, 1);
  } finally {
    s.project.cleanup();
  }
});

test('a fresh node_modules with a warm cache restores the package and copies the cached addon', async () => {
  const s = setup();
  try {
    await ensureNativeTensorflow(s.options);
    rmSync(join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node'), { recursive: true });
    const again = await ensureNativeTensorflow(s.options);
    assert.deepEqual([again.status, again.library, again.package, again.addon], ['installed', 'cache', 'restored', 'cache']);
    assert.equal(s.download.calls, 1);
    assert.equal(s.build.calls, 1, 'no rebuild');
    assert.equal(s.restore.calls, 2);
    assert.equal(readFileSync(again.binding, 'utf8'), 'fake addon');
  } finally {
    s.project.cleanup();
  }
});

test('a failing download is TENSORFLOW_INSTALL_FAILED and leaves no cache folder', async () => {
  const s = setup();
  try {
    const options: NativeInstallOptions = {
      ...s.options,
      download: async () => {
        throw new Error('pip download exited with 1: No matching distribution found for tensorflow-cpu==2.21.0');
      },
    };
    await assert.rejects(ensureNativeTensorflow(options), (error) => {
      assertInstallFailed(error, 'library');
      assert.ok(error instanceof Error);
      assert.match(error.message, /No matching distribution/);
      assert.match(error.message, /pip download/);
      return true;
    });
    assert.ok(!existsSync(tensorflowPaths(s.env).root));
    assert.deepEqual(readdirSync(join(s.project.cache, 'tensorflow')), []);
    assert.equal(s.restore.calls, 0, 'later steps do not run');
  } finally {
    s.project.cleanup();
  }
});

test('a wheel without the library is TENSORFLOW_INSTALL_FAILED', async () => {
  const s = setup();
  try {
    const broken = downloadDouble(fakeWheel('tensorflow/libtensorflow_cc.so.2'));
    await assert.rejects(ensureNativeTensorflow({ ...s.options, download: broken.download }), (e) => assertInstallFailed(e, 'library'));
    assert.ok(!existsSync(tensorflowPaths(s.env).root));
  } finally {
    s.project.cleanup();
  }
});

test('npm failing, a second tfjs-core, a failing build and another platform each name their step', async () => {
  const s = setup();
  try {
    const npmFails: NativeInstallOptions = {
      ...s.options,
      restorePackage: async () => {
        throw new Error('npm install exited with 1: ENOTFOUND');
      },
    };
    await assert.rejects(ensureNativeTensorflow(npmFails), (e) => assertInstallFailed(e, 'package'));

    const nested = join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node', 'node_modules', '@tensorflow', 'tfjs-core');
    const twoCores: NativeInstallOptions = {
      ...s.options,
      restorePackage: async (root) => {
        await s.restore.restore(root);
        mkdirSync(nested, { recursive: true });
        writeFileSync(join(nested, 'package.json'), '{"name":"@tensorflow/tfjs-core","version":"4.21.0"}');
      },
    };
    await assert.rejects(ensureNativeTensorflow(twoCores), (e) => {
      assertInstallFailed(e, 'package');
      assert.ok(e instanceof Error && /2 copies of @tensorflow\/tfjs-core/.test(e.message));
      return true;
    });
    rmSync(join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node'), { recursive: true });

    const buildFails: NativeInstallOptions = {
      ...s.options,
      buildAddon: async () => {
        throw new Error('node-gyp rebuild exited with 1: fatal error: tensorflow/c/c_api.h: No such file');
      },
    };
    await assert.rejects(ensureNativeTensorflow(buildFails), (e) => assertInstallFailed(e, 'addon'));

    await assert.rejects(ensureNativeTensorflow({ ...s.options, platform: 'darwin', arch: 'arm64' }), (e) => assertInstallFailed(e, 'platform'));
  } finally {
    s.project.cleanup();
  }
});

test('a tfjs-node installed its own way (real deps/lib, built addon) is left alone', async () => {
  const s = setup();
  try {
    await s.restore.restore(s.project.root);
    const pkg = join(s.project.root, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(join(pkg, 'deps', 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'deps', 'lib', 'libtensorflow.so'), 'libtensorflow 2.9.1');
    mkdirSync(join(pkg, 'lib', 'napi-v8'), { recursive: true });
    writeFileSync(join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'), 'official addon');
    assert.equal(nativeTensorflowInstalled(s.options), true);
    const result = await ensureNativeTensorflow(s.options);
    assert.deepEqual([result.status, result.library], ['ready', 'own']);
    assert.equal(s.download.calls, 0);
    assert.equal(readFileSync(join(pkg, 'deps', 'lib', 'libtensorflow.so'), 'utf8'), 'libtensorflow 2.9.1', 'untouched');
  } finally {
    s.project.cleanup();
  }
});
