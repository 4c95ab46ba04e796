/**
 * Picks the TensorFlow.js backend the trainer runs on and makes it current on `@tensorflow/tfjs-core`'s engine.
 * `auto` takes the best that works: tfjs-node-gpu (when installed and a GPU is visible), native tfjs-node,
 * wasm, pure-JS cpu. A forced backend that cannot start is `BACKEND_UNAVAILABLE`, in one line. Native
 * packages are imported only when chosen, so importing this module never loads libtensorflow.
 *
 * Native threads: TensorFlow reads `TF_NUM_INTRAOP_THREADS` and `TF_NUM_INTEROP_THREADS` when tfjs-node
 * creates its context (default: one per core); `threads` sets both unless the user already did, and only
 * before the first native load in a process. wasm runs single-threaded in Node.
 */
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { tf } from '../tf.ts';
import type { BackendChoice } from './choices.ts';
import { nvidiaGpuVisible } from './gpu.ts';
import { shimLegacyUtil } from './node-util-shim.ts';
import { readNapiVersions } from './tfjs-node-addon.ts';
import { TFJS_NODE_GPU_PACKAGE, TFJS_NODE_PACKAGE, defaultProjectRoot, napiBuildVersion, tfjsNodeLayout } from './paths.ts';

export { BACKEND_CHOICES, type BackendChoice } from './choices.ts';
export type BackendName = Exclude<BackendChoice, 'auto'>;

export interface SelectedBackend {
  name: BackendName;
  /** One line for a human: what runs, from where, and (for auto) why better ones were passed over. */
  detail: string;
}

export interface SelectOptions {
  /** Native intra- and inter-op thread counts (unless TF_NUM_*_THREADS is already set). */
  threads?: number;
  projectRoot?: string;
  /** Whether a GPU is visible; by default the NVIDIA driver's GPU list. Injectable for tests. */
  gpuVisible?: () => boolean;
}

export interface BackendCapabilities {
  /** tf.gather has a gradient (UnsortedSegmentSum); without it the model embeds with a one-hot matmul. */
  gatherGradient: boolean;
}

/** Measured on 4.22 (test/unit/trainers/backend/select.test.ts checks these against the real backends). */
const CAPABILITIES: Record<BackendName, BackendCapabilities> = {
  'tensorflow-gpu': { gatherGradient: true },
  tensorflow: { gatherGradient: true },
  wasm: { gatherGradient: false },
  cpu: { gatherGradient: true },
};

export function backendCapabilities(name: BackendName): BackendCapabilities {
  return CAPABILITIES[name];
}

/** `quiet`: an expected absence (no tfjs-node-gpu) that auto need not mention. */
type Attempt = { ok: true; detail: string } | { ok: false; reason: string; quiet?: boolean };

/** Which native package this process has loaded; the two cannot share a process. */
let nativeLoaded: typeof TFJS_NODE_PACKAGE | typeof TFJS_NODE_GPU_PACKAGE | undefined;
let wasmPathsSet = false;

export async function selectBackend(choice: BackendChoice, options: SelectOptions = {}): Promise<SelectedBackend> {
  const order: readonly BackendName[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  const passed: string[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name, options);
    if (attempt.ok) {
      const why = passed.length === 0 ? '' : ` (passed over: ${passed.join('; ')})`;
      return { name, detail: attempt.detail + why };
    }
    if (attempt.quiet !== true || choice !== 'auto') passed.push(`${name}: ${attempt.reason}`);
    if (choice !== 'auto') {
      throw new LaminiError(ErrorCodes.BACKEND_UNAVAILABLE, `backend ${name} is unavailable: ${attempt.reason}`, {
        details: { backend: name },
      });
    }
  }
  // cpu always starts; reaching here means even it failed.
  throw new LaminiError(ErrorCodes.BACKEND_UNAVAILABLE, `no backend could start (${passed.join('; ')})`);
}

function tryBackend(name: BackendName, options: SelectOptions): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNative(TFJS_NODE_GPU_PACKAGE, options);
    case 'tensorflow':
      return tryNative(TFJS_NODE_PACKAGE, options);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return tryCpu();
  }
}

async function tryNative(pkg: typeof TFJS_NODE_PACKAGE | typeof TFJS_NODE_GPU_PACKAGE, options: SelectOptions): Promise<Attempt> {
  const gpu = pkg === TFJS_NODE_GPU_PACKAGE;
  if (nativeLoaded !== undefined && nativeLoaded !== pkg) return { ok: false, reason: `${nativeLoaded} is already loaded in this process` };
  const layout = tfjsNodeLayout(options.projectRoot ?? defaultProjectRoot(), pkg);
  if (nativeLoaded === undefined) {
    if (!existsSync(layout.packageJson)) {
      return gpu
        ? { ok: false, reason: `${pkg} is not installed`, quiet: true }
        : { ok: false, reason: `${pkg} is not installed (run: node scripts/install-tensorflow.ts)` };
    }
    if (gpu && !(options.gpuVisible ?? nvidiaGpuVisible)()) return { ok: false, reason: 'no GPU is visible' };
    const binding = findBinding(layout.packageDir);
    if (binding === undefined) {
      return { ok: false, reason: `${pkg} has no built addon (run: node scripts/install-tensorflow.ts)` };
    }
    prepareNativeEnv(options.threads);
    try {
      shimLegacyUtil();
      // Import the copy in projectRoot's node_modules: the one whose addon was checked above.
      await import(pathToFileURL(createRequire(layout.packageJson).resolve(pkg)).href);
      nativeLoaded = pkg;
    } catch (error) {
      return { ok: false, reason: `loading ${pkg} failed: ${firstLine(error)}` };
    }
  }
  if (!(await startBackend('tensorflow'))) return { ok: false, reason: `${pkg} loaded but its backend did not start` };
  return { ok: true, detail: `${gpu ? 'tensorflow-gpu' : 'tensorflow'}: ${pkg} ${packageVersion(layout.packageJson)} on ${libraryFolder(layout.depsLib)}, ${threadsLine()}` };
}

async function tryWasm(): Promise<Attempt> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // In Node the binaries are read from disk: point the backend at the package's dist/ folder.
      const pkgJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      wasm.setWasmPaths(join(dirname(pkgJson), 'dist') + sep);
      wasmPathsSet = true;
    }
    if (!(await startBackend('wasm'))) return { ok: false, reason: 'the wasm backend failed to initialise' };
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    return { ok: true, detail: `wasm: @tensorflow/tfjs-backend-wasm ${wasm.version_wasm}, ${simd ? 'SIMD' : 'no SIMD'}, 1 thread` };
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

async function tryCpu(): Promise<Attempt> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await startBackend('cpu'))) return { ok: false, reason: 'the cpu backend failed to initialise' };
  return { ok: true, detail: 'cpu: @tensorflow/tfjs-backend-cpu (pure JavaScript, 1 thread)' };
}

/** Makes `engineName` current; false when it is not registered or its initialisation fails. */
async function startBackend(engineName: string): Promise<boolean> {
  if (tf.findBackendFactory(engineName) === null) return false;
  if (!(await tf.setBackend(engineName))) return false;
  await tf.ready();
  return tf.getBackend() === engineName;
}

/** Quiet TensorFlow's INFO lines and apply thread counts, never overriding what the user set. */
function prepareNativeEnv(threads: number | undefined): void {
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
  if (threads !== undefined) {
    process.env['TF_NUM_INTRAOP_THREADS'] ??= String(threads);
    process.env['TF_NUM_INTEROP_THREADS'] ??= String(threads);
  }
}

function threadsLine(): string {
  const intra = process.env['TF_NUM_INTRAOP_THREADS'];
  const inter = process.env['TF_NUM_INTEROP_THREADS'];
  return intra === undefined && inter === undefined
    ? 'threads: one per core'
    : `threads: intra-op ${intra ?? 'one per core'}, inter-op ${inter ?? 'one per core'}`;
}

function findBinding(packageDir: string): string | undefined {
  try {
    const binding = join(packageDir, 'lib', `napi-v${napiBuildVersion(readNapiVersions(join(packageDir, 'package.json')))}`, 'tfjs_binding.node');
    return existsSync(binding) ? binding : undefined;
  } catch {
    return undefined;
  }
}

function libraryFolder(depsLib: string): string {
  try {
    return realpathSync(depsLib);
  } catch {
    return depsLib;
  }
}

function packageVersion(packageJson: string): string {
  const pkg: unknown = createRequire(packageJson)(packageJson);
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '?';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
