/**
 * Step one of the native install: the TensorFlow C library in the cache. The PyPI `tensorflow-cpu` wheel is a
 * zip that carries it (`libtensorflow_cc.so.2` + `libtensorflow_framework.so.2`) and its C headers; we fetch the
 * wheel with `pip download` (no Python package is installed), pull out the two libraries and the headers the
 * addon needs, strip them, add the link names the addon's `-l` flags want, and move the whole folder into the
 * cache with one rename. A folder that exists is complete; a second call costs two `stat`s.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { extractZipMember, listZip } from '../../teacher/local/zip.ts';
import { HEADERS, HEADER_PREFIX, LIBRARIES, WHEEL_REQUIREMENT, tensorflowPaths, type TensorflowPaths } from './paths.ts';
import { CommandNotFound, runCommand } from './run-command.ts';

/** The command the default download runs, shown again in the by-hand hint when it fails. */
export const PIP_DOWNLOAD_ARGS = [
  '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check',
  WHEEL_REQUIREMENT, '--python-version', '3.11', '--platform', 'manylinux_2_27_x86_64',
] as const;

export interface LibraryOptions {
  env?: NodeJS.ProcessEnv;
  /** Puts the `tensorflow-cpu` wheel into `dir`; by default `python3 -m pip download …`. Injectable for tests. */
  download?: ((dir: string) => Promise<void>) | undefined;
  /** Strips the libraries in place; resolves false when no `strip` is available. Injectable for tests. */
  strip?: ((files: readonly string[]) => Promise<boolean>) | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface LibraryResult {
  paths: TensorflowPaths;
  /** True when the cache already held the library and nothing was fetched. */
  cached: boolean;
}

export function libraryComplete(paths: TensorflowPaths): boolean {
  return LIBRARIES.every((l) => existsSync(join(paths.lib, l.file)) && existsSync(join(paths.lib, l.link)));
}

export async function ensureTensorflowLibrary(options: LibraryOptions = {}): Promise<LibraryResult> {
  const paths = tensorflowPaths(options.env ?? process.env);
  if (libraryComplete(paths)) return { paths, cached: true };
  const download = options.download ?? pipDownload;
  const strip = options.strip ?? stripUnneeded;
  await mkdir(dirname(paths.root), { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'lamini-tf-wheel-'));
  // Assemble next to the target (same filesystem) so the final rename is atomic.
  const partial = `${paths.root}.${process.pid}.partial`;
  try {
    options.log?.(`lamini: fetching ${WHEEL_REQUIREMENT} (274 MB wheel) for its TensorFlow C library`);
    await download(work);
    const wheel = (await readdir(work)).find((f) => f.endsWith('.whl'));
    if (wheel === undefined) throw new Error(`pip download put no wheel in ${work}`);
    await rm(partial, { recursive: true, force: true });
    await unpack(join(work, wheel), partial);
    const files = LIBRARIES.map((l) => join(partial, 'lib', l.file));
    const before = await totalBytes(files);
    if (await strip(files)) {
      options.log?.(`lamini: stripped the libraries from ${mb(before)} to ${mb(await totalBytes(files))}`);
    } else {
      options.log?.(`lamini: no strip command; keeping the unstripped libraries (${mb(before)})`);
    }
    for (const l of LIBRARIES) await symlink(l.file, join(partial, 'lib', l.link));
    try {
      await rename(partial, paths.root);
    } catch (error) {
      // Another process may have finished first; its folder is as good as ours.
      if (!libraryComplete(paths)) throw error;
    }
    return { paths, cached: false };
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(partial, { recursive: true, force: true });
  }
}

async function unpack(wheel: string, into: string): Promise<void> {
  const names = new Set((await listZip(wheel)).map((e) => e.name));
  await mkdir(join(into, 'lib'), { recursive: true });
  for (const l of LIBRARIES) {
    if (!names.has(l.member)) throw new Error(`the wheel has no ${l.member}`);
    await extractZipMember(wheel, l.member, join(into, 'lib', l.file));
  }
  for (const header of HEADERS) {
    const member = HEADER_PREFIX + header;
    if (!names.has(member)) throw new Error(`the wheel has no ${member}`);
    const dest = join(into, 'include', header);
    await mkdir(dirname(dest), { recursive: true });
    await extractZipMember(wheel, member, dest);
  }
}

function pipDownload(dir: string): Promise<void> {
  return runCommand('python3', [...PIP_DOWNLOAD_ARGS, '-d', dir]);
}

async function stripUnneeded(files: readonly string[]): Promise<boolean> {
  try {
    await runCommand('strip', ['--strip-unneeded', ...files]);
    return true;
  } catch (error) {
    if (error instanceof CommandNotFound) return false;
    throw error;
  }
}

async function totalBytes(files: readonly string[]): Promise<number> {
  let sum = 0;
  for (const f of files) sum += (await stat(f)).size;
  return sum;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}
