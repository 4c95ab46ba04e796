/**
 * Step three of the native install: tfjs-node's N-API addon, where its JavaScript loads it
 * (`lib/napi-v8/tfjs_binding.node`). `deps/lib` and `deps/include` inside the package become symlinks to the
 * cached library and headers; the addon's RUNPATH is `$ORIGIN/../../deps/lib`, so it finds the library through
 * them with no LD_LIBRARY_PATH. The addon is compiled once with node-gyp (npm ships one) against the Node
 * headers of the running Node, checked by loading it in a child process, and kept in the cache: a fresh
 * `node_modules/` then only needs a copy.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { napiBuildVersion, tfjsNodeLayout, type TensorflowPaths, type TfjsNodeLayout } from './paths.ts';
import { runCommand } from './run-command.ts';

export interface AddonOptions {
  env?: NodeJS.ProcessEnv;
  /** Compiles the addon in `packageDir` into `moduleDir`; by default node-gyp. Injectable for tests. */
  build?: ((packageDir: string, moduleDir: string, napiBuildVersion: number) => Promise<void>) | undefined;
  /** Loads the freshly built addon to prove it links; by default in a child Node. Injectable for tests. */
  verify?: ((bindingPath: string) => Promise<void>) | undefined;
  log?: ((line: string) => void) | undefined;
}

export type AddonSource = 'present' | 'cache' | 'built';

export async function ensureTfjsNodeAddon(
  projectRoot: string,
  paths: TensorflowPaths,
  options: AddonOptions = {},
): Promise<{ binding: string; source: AddonSource }> {
  const layout = tfjsNodeLayout(projectRoot);
  await linkDeps(layout, paths);
  const napi = napiBuildVersion(readNapiVersions(layout.packageJson));
  const binding = layout.binding(napi);
  if (existsSync(binding)) return { binding, source: 'present' };
  const cached = paths.cachedAddon(napi);
  if (existsSync(cached)) {
    await placeFile(cached, binding);
    return { binding, source: 'cache' };
  }
  options.log?.(`lamini: building the tfjs-node addon against TensorFlow in ${paths.lib}`);
  await (options.build ?? nodeGypBuild(options.env ?? process.env))(layout.packageDir, dirname(binding), napi);
  if (!existsSync(binding)) throw new Error(`the build left no addon at ${binding}`);
  await (options.verify ?? loadInChild)(binding);
  await placeFile(binding, cached);
  return { binding, source: 'built' };
}

/**
 * True when tfjs-node was installed its own way (online: `deps/lib` is a real folder holding libtensorflow
 * and the addon is built). Such an install works and is left alone.
 */
export function ownInstallBinding(projectRoot: string): string | undefined {
  const layout = tfjsNodeLayout(projectRoot);
  try {
    if (lstatSync(layout.depsLib).isSymbolicLink() || !existsSync(join(layout.depsLib, 'libtensorflow.so'))) return undefined;
    const binding = layout.binding(napiBuildVersion(readNapiVersions(layout.packageJson)));
    return existsSync(binding) ? binding : undefined;
  } catch {
    return undefined;
  }
}

/** True when the package's addon and its links to the cached library are all in place. */
export function addonReady(projectRoot: string, paths: TensorflowPaths): boolean {
  const layout = tfjsNodeLayout(projectRoot);
  if (!existsSync(layout.packageJson) || !pointsAt(layout.depsLib, paths.lib)) return false;
  return existsSync(layout.binding(napiBuildVersion(readNapiVersions(layout.packageJson))));
}

async function linkDeps(layout: TfjsNodeLayout, paths: TensorflowPaths): Promise<void> {
  await mkdir(layout.depsDir, { recursive: true });
  for (const [link, target] of [[layout.depsLib, paths.lib], [layout.depsInclude, paths.include]] as const) {
    if (pointsAt(link, target)) continue;
    await rm(link, { recursive: true, force: true });
    await symlink(target, link);
  }
}

function pointsAt(link: string, target: string): boolean {
  try {
    return readlinkSync(link) === target && statSync(link).isDirectory();
  } catch {
    return false;
  }
}

/** Copies through a temporary name so a reader never sees half a file. */
async function placeFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const partial = `${to}.${process.pid}.partial`;
  try {
    await copyFile(from, partial);
    await rename(partial, to);
  } finally {
    await rm(partial, { force: true });
  }
}

export function readNapiVersions(packageJson: string): number[] {
  const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  const versions =
    typeof parsed === 'object' && parsed !== null && 'binary' in parsed &&
    typeof parsed.binary === 'object' && parsed.binary !== null && 'napi_versions' in parsed.binary
      ? parsed.binary.napi_versions
      : undefined;
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'number')) {
    throw new Error(`${packageJson} lists no binary.napi_versions`);
  }
  return versions;
}

function nodeGypBuild(env: NodeJS.ProcessEnv) {
  return async (packageDir: string, moduleDir: string, napi: number): Promise<void> => {
    const gyp = nodeGypScript(env);
    const nodedir = nodeHeadersDir(env);
    const args = [
      'rebuild',
      ...(nodedir === undefined ? [] : [`--nodedir=${nodedir}`]),
      '--module_name=tfjs_binding',
      `--module_path=${moduleDir}`,
      `--napi_build_version=${napi}`,
    ];
    if (gyp === undefined) await runCommand('node-gyp', args, { cwd: packageDir, env });
    else await runCommand(process.execPath, [gyp, ...args], { cwd: packageDir, env });
  };
}

/** node-gyp's script: the one npm points scripts at, else the one inside the npm on PATH. */
export function nodeGypScript(env: NodeJS.ProcessEnv): string | undefined {
  const candidates: string[] = [];
  const fromNpm = env['npm_config_node_gyp'];
  if (fromNpm !== undefined && fromNpm !== '') candidates.push(fromNpm);
  const npmCli = env['npm_execpath'] ?? findOnPath('npm', env);
  if (npmCli !== undefined) {
    const npmRoot = dirname(dirname(realpathSync(npmCli)));
    candidates.push(join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  return candidates.find((c) => existsSync(c));
}

/** Headers of the running Node (`<prefix>/include/node`), so node-gyp has nothing to download. */
export function nodeHeadersDir(env: NodeJS.ProcessEnv): string | undefined {
  const prefix = dirname(dirname(realpathSync(process.execPath)));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  const configured = env['npm_config_nodedir'];
  return configured !== undefined && existsSync(join(configured, 'include', 'node', 'node_api.h')) ? configured : undefined;
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function loadInChild(binding: string): Promise<void> {
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2' };
  await runCommand(process.execPath, ['-e', 'require(process.argv[1])', binding], { env });
}
