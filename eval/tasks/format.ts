/**
 * The task format (docs/evaluation.md): JSON Lines, one item per line, every line of a file the same kind.
 *
 *   multiple choice   {"context": "...", "choices": ["...", "..."], "gold": 0}
 *   partial choice    {"contexts": ["...", "..."], "continuation": "...", "gold": 0}   (WinoGrande's scoring:
 *                     the contexts differ, one continuation is scored after each)
 *   generation        {"prompt": "...", "reference": "..." | ["...", ...]}
 *
 * Every kind takes an optional "id" (string or number); lines without one are numbered from 1. Unknown keys are
 * ignored, so a converter may keep the source's own fields beside these.
 */

export interface ChoiceItem {
  kind: 'choice';
  id: string;
  context: string;
  choices: string[];
  gold: number;
}

export interface PartialItem {
  kind: 'partial';
  id: string;
  contexts: string[];
  continuation: string;
  gold: number;
}

export interface GenerationItem {
  kind: 'generation';
  id: string;
  prompt: string;
  references: string[];
}

export type TaskItem = ChoiceItem | PartialItem | GenerationItem;
export type TaskKind = TaskItem['kind'];

export interface Task {
  /** The file name without `.jsonl` (or `.json`). */
  name: string;
  /** sha256 of the file's bytes, first 16 hex digits: two runs on the same name but other items differ here. */
  hash: string;
  kind: TaskKind;
  items: TaskItem[];
}
