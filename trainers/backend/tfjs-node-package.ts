/**
 * Step two of the native install: the files of `@tensorflow/tfjs-node` in `node_modules/`. It is an optional
 * dependency whose own install script downloads libtensorflow and fails offline, so npm drops it. We put its
 * files back with its scripts off (`npm install --no-save --ignore-scripts`, which leaves package.json and the
 * lockfile alone and, on a tree from `npm ci`, only adds packages), then check that it and our code see ONE
 * `@tensorflow/tfjs-core`: tfjs-node registers its backend on the engine of the copy it resolves.
 */
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TFJS_NODE_PACKAGE, TFJS_NODE_VERSION, tfjsNodeLayout } from './paths.ts';
import { runCommand } from './run-command.ts';

export const NPM_RESTORE_ARGS = [
  'install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${TFJS_NODE_PACKAGE}@${TFJS_NODE_VERSION}`,
] as const;

export interface PackageOptions {
  /** Runs `npm install --no-save --ignore-scripts … @tensorflow/tfjs-node@4.22.0` in `projectRoot`; injectable. */
  restore?: ((projectRoot: string) => Promise<void>) | undefined;
  log?: ((line: string) => void) | undefined;
}

export function tfjsNodePresent(projectRoot: string): boolean {
  const layout = tfjsNodeLayout(projectRoot);
  if (!existsSync(layout.packageJson) || !existsSync(join(layout.packageDir, 'dist', 'index.js'))) return false;
  return readVersion(layout.packageJson) === TFJS_NODE_VERSION;
}

export async function ensureTfjsNodePackage(projectRoot: string, options: PackageOptions = {}): Promise<{ restored: boolean }> {
  if (tfjsNodePresent(projectRoot)) {
    assertOneTfjsCore(projectRoot);
    return { restored: false };
  }
  const before = installedPackages(projectRoot);
  options.log?.(`lamini: restoring ${TFJS_NODE_PACKAGE}@${TFJS_NODE_VERSION} with its install script off`);
  await (options.restore ?? npmRestore)(projectRoot);
  if (!tfjsNodePresent(projectRoot)) throw new Error(`${TFJS_NODE_PACKAGE}@${TFJS_NODE_VERSION} is still missing after npm install`);
  const gone = [...before].filter((name) => !installedPackages(projectRoot).has(name));
  if (gone.length > 0) options.log?.(`lamini: warning: npm install removed ${gone.join(', ')} (installed outside package.json?)`);
  assertOneTfjsCore(projectRoot);
  return { restored: true };
}

/** Throws unless our code, tfjs-node and the `@tensorflow/tfjs` it loads all resolve the same tfjs-core. */
export function assertOneTfjsCore(projectRoot: string): void {
  const nodeDir = tfjsNodeLayout(projectRoot).packageDir;
  const unionDir = findPackage(nodeDir, '@tensorflow/tfjs');
  const starts = [projectRoot, nodeDir, ...(unionDir === undefined ? [] : [unionDir])];
  const copies = new Set(starts.map((dir) => findPackage(dir, '@tensorflow/tfjs-core') ?? `none from ${dir}`));
  if (copies.size !== 1) {
    throw new Error(`found ${copies.size} copies of @tensorflow/tfjs-core (${[...copies].join(', ')}); run npm dedupe`);
  }
}

/**
 * Node's lookup of a package from `fromDir` (each `node_modules/` up the tree), done by hand: `require.resolve`
 * caches its answers for the life of the process, and the install changes the tree under it.
 */
function findPackage(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** The npm the user runs us under (`npm_execpath`), else the one on PATH. */
export function npmInvocation(env: NodeJS.ProcessEnv = process.env): { command: string; prefix: string[] } {
  const cli = env['npm_execpath'];
  if (cli !== undefined && cli.endsWith('.js') && existsSync(cli)) return { command: process.execPath, prefix: [cli] };
  return { command: 'npm', prefix: [] };
}

function npmRestore(projectRoot: string): Promise<void> {
  const npm = npmInvocation();
  return runCommand(npm.command, [...npm.prefix, ...NPM_RESTORE_ARGS], { cwd: projectRoot });
}

function installedPackages(projectRoot: string): Set<string> {
  const names = new Set<string>();
  const top = join(projectRoot, 'node_modules');
  if (!existsSync(top)) return names;
  for (const entry of readdirSync(top)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of readdirSync(join(top, entry))) names.add(`${entry}/${sub}`);
    else names.add(entry);
  }
  return names;
}

function readVersion(packageJson: string): unknown {
  const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
}
