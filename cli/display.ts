/**
 * Progress output: one line redrawn in place on a terminal, plain log lines every `intervalMs`
 * otherwise (CI logs, files). Everything goes to stderr; stdout is for results.
 */
import type { RunProgress } from '../pipeline/progress.ts';
import { progressLine } from '../pipeline/progress.ts';

export interface Display {
  progress(p: RunProgress): void;
  log(line: string): void;
  done(): void;
}

export function createDisplay(target: number, options: { tty: boolean; quiet: boolean; intervalMs: number }): Display {
  const out = process.stderr;
  let last = 0;
  let drawn = false;
  if (options.quiet) return { progress: () => {}, log: (l) => out.write(`${l}\n`), done: () => {} };
  if (options.tty) {
    return {
      progress(p) {
        if (p.now - last < 200) return;
        last = p.now;
        out.write(`\r\x1b[2K${progressLine(p, target)}`);
        drawn = true;
      },
      log(line) {
        out.write(`${drawn ? '\r\x1b[2K' : ''}${line}\n`);
        drawn = false;
      },
      done() {
        if (drawn) out.write('\n');
      },
    };
  }
  return {
    progress(p) {
      if (p.now - last < options.intervalMs) return;
      last = p.now;
      out.write(`${new Date(p.now).toISOString()} ${progressLine(p, target)}\n`);
    },
    log: (line) => out.write(`${new Date().toISOString()} ${line}\n`),
    done: () => {},
  };
}
