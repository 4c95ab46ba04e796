/**
 * Progress output: one line redrawn in place on a terminal, plain log lines every `intervalMs`
 * otherwise (CI logs, files); with `--log-format json`, JSON lines (observability/log.ts), progress among them
 * every `intervalMs` as `msg: "progress"` with its figures as fields. Everything goes to stderr; stdout is for results.
 */
import type { RunProgress } from '../pipeline/progress.ts';
import { progressLine, ratePerMinute } from '../pipeline/progress.ts';
import { logLine, type Logger } from '../observability/log.ts';

export interface Display {
  progress(p: RunProgress): void;
  /** A line; `fields` are shown only in JSON (the figures of a summary, say). */
  log(line: string, fields?: Record<string, unknown>): void;
  done(): void;
}

export function createDisplay(target: number, options: { tty: boolean; quiet: boolean; intervalMs: number; json?: Logger }): Display {
  const out = process.stderr;
  let last = 0;
  let drawn = false;
  const json = options.json;
  if (json !== undefined) {
    return {
      progress(p) {
        if (options.quiet || p.now - last < options.intervalMs) return;
        last = p.now;
        json.info('progress', progressFields(p, target));
      },
      log: (line, fields) => logLine(json, line, fields),
      done: () => {},
    };
  }
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

/** A progress line's figures, as the fields of a JSON log line. */
export function progressFields(p: RunProgress, target: number): Record<string, unknown> {
  return {
    committed: p.committed, target, pending: p.pending, corpus_examples: p.corpusExamples, tasks_done: p.tasksDone, tasks_planned: p.tasksPlanned,
    dropped: p.dropped, dead_letters: p.deadLetters, cost_usd: p.costUsd, prompt_tokens: p.promptTokens, completion_tokens: p.completionTokens,
    per_minute: ratePerMinute(p), elapsed_s: Math.round((p.now - p.startedAt) / 1000), ...(p.queues === undefined ? {} : { queues: p.queues }),
  };
}
