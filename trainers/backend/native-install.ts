/**
 * `ensureNativeTensorflow`: makes `@tensorflow/tfjs-node` usable offline, idempotently, in three steps:
 * the TensorFlow C library into the cache (`tensorflow-library.ts`), tfjs-node's files back into
 * `node_modules/` (`tfjs-node-package.ts`), and its addon built or copied into place (`tfjs-node-addon.ts`).
 * With everything in place it returns after a few `stat`s; with a warm cache and a fresh `node_modules/` it
 * needs npm and a file copy, no pip and no compiler. Whatever fails becomes one `TENSORFLOW_INSTALL_FAILED`
 * line naming the step and how to do it by hand.
 */
import { join } from 'node:path';
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { PIP_DOWNLOAD_ARGS, ensureTensorflowLibrary, libraryComplete, type LibraryOptions } from './tensorflow-library.ts';
import { NPM_RESTORE_ARGS, ensureTfjsNodePackage, tfjsNodePresent, type PackageOptions } from './tfjs-node-package.ts';
import { addonReady, ensureTfjsNodeAddon, ownInstallBinding, type AddonOptions, type AddonSource } from './tfjs-node-addon.ts';
import { TENSORFLOW_VERSION, TFJS_NODE_VERSION, defaultProjectRoot, tensorflowPaths, tfjsNodeLayout } from './paths.ts';

export interface NativeInstallOptions {
  env?: NodeJS.ProcessEnv;
  /** The folder whose `node_modules/` gets tfjs-node; by default the one our tfjs-core comes from. */
  projectRoot?: string;
  log?: (line: string) => void;
  /** Test doubles for the steps that touch the network, npm, a compiler or the library itself. */
  download?: LibraryOptions['download'];
  strip?: LibraryOptions['strip'];
  restorePackage?: PackageOptions['restore'];
  buildAddon?: AddonOptions['build'];
  verifyAddon?: AddonOptions['verify'];
  platform?: string;
  arch?: string;
}

export interface NativeInstallResult {
  /** `ready`: everything was already in place and nothing was done. */
  status: 'ready' | 'installed';
  /** `own`: tfjs-node was installed its own way (online), with its own libtensorflow; left alone. */
  library: 'cache' | 'downloaded' | 'own';
  package: 'present' | 'restored';
  addon: AddonSource;
  libDir: string;
  binding: string;
  seconds: number;
}

/** Cheap check (a few `stat`s): is native TensorFlow set up for this project? */
export function nativeTensorflowInstalled(options: { env?: NodeJS.ProcessEnv; projectRoot?: string } = {}): boolean {
  const paths = tensorflowPaths(options.env ?? process.env);
  const root = options.projectRoot ?? defaultProjectRoot();
  return ownInstallBinding(root) !== undefined || (libraryComplete(paths) && tfjsNodePresent(root) && addonReady(root, paths));
}

export function nativeInstallSupported(platform: string = process.platform, arch: string = process.arch): boolean {
  return platform === 'linux' && arch === 'x64';
}

export async function ensureNativeTensorflow(options: NativeInstallOptions = {}): Promise<NativeInstallResult> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const paths = tensorflowPaths(env);
  const root = options.projectRoot ?? defaultProjectRoot();
  const platform = `${options.platform ?? process.platform}-${options.arch ?? process.arch}`;
  if (!nativeInstallSupported(options.platform, options.arch)) {
    fail('platform', `the tensorflow-cpu wheel route is set up for linux-x64 only, this is ${platform}`,
      'install @tensorflow/tfjs-node the usual way (it downloads libtensorflow), or train with --backend wasm');
  }
  const own = ownInstallBinding(root);
  if (own !== undefined) {
    return { status: 'ready', library: 'own', package: 'present', addon: 'present', libDir: tfjsNodeLayout(root).depsLib,
      binding: own, seconds: (performance.now() - started) / 1000 };
  }
  const log = options.log;
  const lib = await step('library', `python3 ${PIP_DOWNLOAD_ARGS.join(' ')} -d DIR, unzip tensorflow/libtensorflow_cc.so.2 ` +
    `and tensorflow/libtensorflow_framework.so.2 into ${paths.lib} (add symlinks libtensorflow.so and ` +
    `libtensorflow_framework.so) and from tensorflow/include/ the headers tensorflow/c/*.h, tensorflow/c/eager/c_api.h, ` +
    `*/platform/ctstring*.h and xla/tsl/c/*.h into ${paths.include}`, () =>
    ensureTensorflowLibrary({ env, download: options.download, strip: options.strip, log }));
  const pkg = await step('package', `cd ${root} && npm ${NPM_RESTORE_ARGS.join(' ')}`, () =>
    ensureTfjsNodePackage(root, { restore: options.restorePackage, log }));
  const layout = tfjsNodeLayout(root);
  const addon = await step('addon', `cd ${layout.packageDir} && mkdir -p deps && ln -sfn ${paths.lib} deps/lib && ` +
    `ln -sfn ${paths.include} deps/include && node-gyp rebuild --module_name=tfjs_binding ` +
    `--module_path=${join(layout.packageDir, 'lib', 'napi-v8')} --napi_build_version=8`, () =>
    ensureTfjsNodeAddon(root, lib.paths, { env, build: options.buildAddon, verify: options.verifyAddon, log }));
  const nothingDone = lib.cached && !pkg.restored && addon.source === 'present';
  return {
    status: nothingDone ? 'ready' : 'installed',
    library: lib.cached ? 'cache' : 'downloaded',
    package: pkg.restored ? 'restored' : 'present',
    addon: addon.source,
    libDir: lib.paths.lib,
    binding: addon.binding,
    seconds: (performance.now() - started) / 1000,
  };
}

async function step<T>(name: string, byHand: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    return fail(name, error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error), byHand, error);
  }
}

function fail(name: string, reason: string, byHand: string, cause?: unknown): never {
  throw new LaminiError(
    ErrorCodes.TENSORFLOW_INSTALL_FAILED,
    `could not set up native TensorFlow ${TENSORFLOW_VERSION} for tfjs-node ${TFJS_NODE_VERSION}: ${name} step failed ` +
      `(${reason}); to do it by hand: ${byHand}; or train with --backend wasm`,
    { retriable: false, cause, details: { step: name } },
  );
}
