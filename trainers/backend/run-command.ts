/**
 * Runs one program without a shell and resolves when it exits 0; otherwise rejects with one line: the
 * command, its exit code and the last line it printed on stderr (or stdout). The install steps (pip, npm,
 * node-gyp, strip) all go through here so that their failures read the same way.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Thrown when the program cannot be started at all (`ENOENT`: not installed). */
export class CommandNotFound extends Error {
  readonly command: string;
  constructor(command: string) {
    super(`${command}: command not found`);
    this.command = command;
  }
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    let tail = '';
    const keep = (chunk: string): void => {
      tail = (tail + chunk).slice(-4000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new CommandNotFound(command) : error);
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const last = lastMeaningfulLine(tail);
      const status = signal !== null ? `was killed by ${signal}` : `exited with ${code}`;
      reject(new Error(`${[command, ...args.slice(0, 3)].join(' ')}… ${status}${last === '' ? '' : `: ${last}`}`));
    });
  });
}

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(gyp info|npm (notice|info|verbose|timing))\b/.test(l));
  const errorLine = [...lines].reverse().find((l) => /error/i.test(l));
  return (errorLine ?? lines.at(-1) ?? '').slice(0, 300);
}
