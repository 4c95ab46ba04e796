/**
 * Where native TensorFlow lives: the pinned versions, the cache folder that holds the TensorFlow C library
 * (`${LAMINI_CACHE_DIR:-~/.cache/lamini}/tensorflow/2.21.0/`), and the places inside `@tensorflow/tfjs-node`
 * that its JavaScript and its `binding.gyp` look at. Paths only; nothing here touches the disk except to
 * find the project root.
 *
 *   tensorflow/2.21.0/lib/       libtensorflow_cc.so.2, libtensorflow_framework.so.2 (stripped), and
 *                                libtensorflow.so, libtensorflow_framework.so symlinks (the names -l looks for)
 *   tensorflow/2.21.0/include/   the C API headers the addon compiles against
 *   tensorflow/2.21.0/addon/tfjs-node-4.22.0/napi-v8/tfjs_binding.node   the addon built once, reused
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { cacheDir } from '../../teacher/local/model-fetch.ts';

export const TENSORFLOW_VERSION = '2.21.0';
export const TFJS_NODE_VERSION = '4.22.0';
export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';
export const TFJS_NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
export const WHEEL_REQUIREMENT = `tensorflow-cpu==${TENSORFLOW_VERSION}`;
/** The libraries as the wheel names them, and the link names tfjs-node's binding.gyp (`-ltensorflow …`) wants. */
export const LIBRARIES = [
  { member: 'tensorflow/libtensorflow_cc.so.2', file: 'libtensorflow_cc.so.2', link: 'libtensorflow.so' },
  { member: 'tensorflow/libtensorflow_framework.so.2', file: 'libtensorflow_framework.so.2', link: 'libtensorflow_framework.so' },
] as const;
/**
 * Headers the addon needs, under the wheel's `tensorflow/include/`: the closure of tfjs-node 4.22's
 * `#include`s (found with `g++ -MM` on `binding/*.cc`), about 220 KB.
 */
export const HEADER_PREFIX = 'tensorflow/include/';
export const HEADERS = [
  'tensorflow/c/c_api.h',
  'tensorflow/c/c_api_macros.h',
  'tensorflow/c/eager/c_api.h',
  'tensorflow/c/tf_attrtype.h',
  'tensorflow/c/tf_buffer.h',
  'tensorflow/c/tf_datatype.h',
  'tensorflow/c/tf_status.h',
  'tensorflow/c/tf_tensor.h',
  'tensorflow/c/tf_tstring.h',
  'tensorflow/core/platform/ctstring.h',
  'tensorflow/core/platform/ctstring_internal.h',
  'tsl/platform/ctstring.h',
  'tsl/platform/ctstring_internal.h',
  'xla/tsl/c/tsl_status.h',
] as const;

export interface TensorflowPaths {
  /** `…/tensorflow/2.21.0`: appears whole, by one rename, or not at all. */
  root: string;
  lib: string;
  include: string;
  /** The cached addon for this tfjs-node version and N-API build version. */
  cachedAddon: (napiBuildVersion: number) => string;
}

export function tensorflowPaths(env: NodeJS.ProcessEnv = process.env): TensorflowPaths {
  const root = join(cacheDir(env), 'tensorflow', TENSORFLOW_VERSION);
  return {
    root,
    lib: join(root, 'lib'),
    include: join(root, 'include'),
    cachedAddon: (napi) => join(root, 'addon', `tfjs-node-${TFJS_NODE_VERSION}`, `napi-v${napi}`, 'tfjs_binding.node'),
  };
}

/**
 * The folder holding the `node_modules/` that this code resolves `@tensorflow/tfjs-core` from: the project
 * whose tfjs-node must register on that very copy. Works from the sources and from `dist/`.
 */
export function defaultProjectRoot(): string {
  const require = createRequire(import.meta.url);
  const core = require.resolve('@tensorflow/tfjs-core/package.json');
  const marker = `${sep}node_modules${sep}`;
  const at = core.lastIndexOf(marker);
  return at < 0 ? dirname(dirname(dirname(core))) : core.slice(0, at);
}

export interface TfjsNodeLayout {
  packageDir: string;
  packageJson: string;
  depsDir: string;
  depsLib: string;
  depsInclude: string;
  /** Where `@mapbox/node-pre-gyp`'s `find` (called by tfjs-node's index.js) looks for the addon. */
  binding: (napiBuildVersion: number) => string;
}

export function tfjsNodeLayout(projectRoot: string, packageName: string = TFJS_NODE_PACKAGE): TfjsNodeLayout {
  const packageDir = join(projectRoot, 'node_modules', ...packageName.split('/'));
  const depsDir = join(packageDir, 'deps');
  return {
    packageDir,
    packageJson: join(packageDir, 'package.json'),
    depsDir,
    depsLib: join(depsDir, 'lib'),
    depsInclude: join(depsDir, 'include'),
    binding: (napi) => join(packageDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node'),
  };
}

/**
 * node-pre-gyp's choice of N-API build version: the highest of the package's `binary.napi_versions` that
 * this Node supports. tfjs-node 4.22 lists 3–8, so Node 22 builds and loads `lib/napi-v8/`.
 */
export function napiBuildVersion(napiVersions: readonly number[], nodeNapi: number = Number(process.versions.napi)): number {
  const usable = napiVersions.filter((v) => v <= nodeNapi);
  if (usable.length === 0) throw new Error(`this Node supports N-API ${nodeNapi}, the addon needs one of ${napiVersions.join(', ')}`);
  return Math.max(...usable);
}
