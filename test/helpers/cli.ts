/** Runs the real `lamini` command (node cli/main.ts) as a child process and captures what it prints. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function lamini(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, LAMINI_DEBUG: '', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lamini ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LaminiProcess {
  args: readonly string[];
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderr: () => string;
  stdout: () => string;
  readonly running: boolean;
}

/**
 * Starts a long-running `lamini` command (an operator, say) in the background, keeping its stderr; with
 * `logFile` it is appended there too, to read after a failed test.
 */
export function startLamini(args: string[], options: { env?: Record<string, string>; logFile?: string } = {}): LaminiProcess {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, LAMINI_DEBUG: '1', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (options.logFile !== undefined) appendFileSync(options.logFile, d);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    args, child, exited, stderr: () => err, stdout: () => out,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/** `kill -9` and wait until it is gone. */
export async function killHard(p: LaminiProcess): Promise<void> {
  if (p.running) p.child.kill('SIGKILL');
  await p.exited;
}

/** SIGTERM (a clean stop), then SIGKILL whatever is still running after 20 s. */
export async function stopAll(procs: readonly LaminiProcess[]): Promise<void> {
  for (const p of procs) if (p.running) p.child.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((p) => p.exited)), new Promise((r) => setTimeout(r, 20_000))]);
  for (const p of procs) if (p.running) p.child.kill('SIGKILL');
}

/** Ids of the examples the corpus in `dir` has committed. */
export async function committedIds(dir: string): Promise<string[]> {
  const r = await lamini(['query', 'select id from examples', '--format', 'json', '--data-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id);
}
