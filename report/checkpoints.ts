/**
 * Training runs for the report, from the `trainer_state.json` of the checkpoints found: by default under
 * `<data-dir>/checkpoints/` (where `lamini train` writes them), or under each `--checkpoints DIR`. A folder
 * holding `trainer_state.json` is a checkpoint; checkpoints side by side in one folder are one run, and the
 * run's curve is the history of its newest checkpoint (each checkpoint's history holds every logged step up
 * to it). A checkpoint that does not parse is listed with its one-line reason, never fatal.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describeError } from '../common/errors.ts';
import { parseTrainerState, type TrainerState } from '../trainers/state.ts';
import type { Training, TrainingRun } from './data.ts';

const STATE_FILE = 'trainer_state.json';
/** How deep below a searched folder checkpoints are looked for. */
const MAX_DEPTH = 3;

export async function findTrainingRuns(searched: readonly string[], base: string): Promise<Training> {
  const found = new Map<string, TrainerState>();
  const problems: Training['problems'] = [];
  for (const root of searched) await walk(resolve(root), 0, found, problems);
  const byRun = new Map<string, Array<{ dir: string; state: TrainerState }>>();
  for (const [dir, state] of found) {
    const run = dirname(dir);
    const list = byRun.get(run) ?? [];
    list.push({ dir, state });
    byRun.set(run, list);
  }
  const name = (path: string): string => {
    const rel = relative(base, path);
    return rel === '' ? basename(path) : rel.startsWith('..') ? path : rel;
  };
  const runs: TrainingRun[] = [...byRun].map(([run, list]) => {
    list.sort((a, b) => a.state.step - b.state.step || (a.dir < b.dir ? -1 : 1));
    const newest = list[list.length - 1]!;
    return {
      name: name(run),
      checkpoint: name(newest.dir),
      step: newest.state.step,
      total_steps: newest.state.total_steps,
      examples_seen: newest.state.examples_seen,
      tokens_seen: newest.state.tokens_seen,
      checkpoints: list.map((c) => basename(c.dir)),
      history: newest.state.history.map((h) => ({ step: h.step, loss: finite(h.loss), eval_loss: finite(h.eval_loss) })),
    };
  });
  runs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { searched: searched.map(name), runs, problems };
}

const finite = (x: number | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

async function walk(dir: string, depth: number, found: Map<string, TrainerState>, problems: Training['problems']): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // a folder that is not there holds no checkpoints
  }
  if (entries.some((e) => e.isFile() && e.name === STATE_FILE)) {
    const file = join(dir, STATE_FILE);
    try {
      const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: not a JSON object`);
      found.set(dir, parseTrainerState(Object.fromEntries(Object.entries(raw)), file));
    } catch (error) {
      problems.push({ path: file, message: describeError(error) });
    }
    return;
  }
  if (depth >= MAX_DEPTH) return;
  const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  for (const sub of subdirs) await walk(join(dir, sub), depth + 1, found, problems);
}
