/**
 * Reading a task file: every line checked, every problem reported with its line number (TASK_INVALID), as the
 * config and manifest readers do; a valid file becomes a Task.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { Task, TaskItem, TaskKind } from './format.ts';

export async function readTask(path: string): Promise<Task> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    throw new LaminiError(missing ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE, `cannot read task file ${path}`, {
      cause: error, details: { path },
    });
  }
  const name = basename(path).replace(/\.(jsonl|json)$/i, '');
  return parseTask(bytes.toString('utf8'), name, createHash('sha256').update(bytes).digest('hex').slice(0, 16), path);
}

/** Parses task text; `source` names the file in messages. */
export function parseTask(text: string, name: string, hash: string, source = name): Task {
  const items: TaskItem[] = [];
  const problems: string[] = [];
  let kind: TaskKind | undefined;
  let count = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const at = `line ${i + 1}`;
    count += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`${at}: not JSON`);
      return;
    }
    const parsed = parseItem(value, String(count));
    if (typeof parsed === 'string') {
      problems.push(`${at}: ${parsed}`);
      return;
    }
    if (kind !== undefined && parsed.kind !== kind) {
      problems.push(`${at}: a ${parsed.kind} item in a file of ${kind} items`);
      return;
    }
    kind = parsed.kind;
    items.push(parsed);
  });
  if (problems.length === 0 && kind === undefined) problems.push('no items');
  if (problems.length > 0 || kind === undefined) {
    throw new LaminiError(ErrorCodes.TASK_INVALID, `${source} is not a valid task file: ${problems.slice(0, 5).join('; ')}` +
      (problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''), { details: { source, problems } });
  }
  return { name, hash, kind, items };
}

/** One line's item, or what is wrong with it. */
export function parseItem(value: unknown, defaultId: string): TaskItem | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const fields = new Map<string, unknown>(Object.entries(value));
  const rawId = fields.get('id');
  if (rawId !== undefined && typeof rawId !== 'string' && typeof rawId !== 'number') return '"id" must be a string or a number';
  const id = rawId === undefined ? defaultId : String(rawId);
  if (fields.has('prompt') || fields.has('reference')) {
    const prompt = fields.get('prompt');
    if (typeof prompt !== 'string') return '"prompt" must be a string';
    const references = stringList(fields.get('reference'), true);
    if (references === undefined) return '"reference" must be a string or a non-empty list of strings';
    return { kind: 'generation', id, prompt, references };
  }
  const gold = fields.get('gold');
  if (fields.has('contexts')) {
    const contexts = stringList(fields.get('contexts'), false);
    if (contexts === undefined || contexts.length < 2) return '"contexts" must be a list of at least two strings';
    const continuation = fields.get('continuation');
    if (typeof continuation !== 'string') return '"continuation" must be a string';
    if (!isIndex(gold, contexts.length)) return `"gold" must be an integer from 0 to ${contexts.length - 1}`;
    return { kind: 'partial', id, contexts, continuation, gold };
  }
  const context = fields.get('context');
  if (typeof context !== 'string') return 'needs "context" and "choices" (multiple choice), "contexts" and "continuation" (partial), or "prompt" and "reference" (generation)';
  const choices = stringList(fields.get('choices'), false);
  if (choices === undefined || choices.length < 2) return '"choices" must be a list of at least two strings';
  if (!isIndex(gold, choices.length)) return `"gold" must be an integer from 0 to ${choices.length - 1}`;
  return { kind: 'choice', id, context, choices, gold };
}

function isIndex(value: unknown, length: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

function stringList(value: unknown, allowString: boolean): string[] | undefined {
  if (allowString && typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string') return undefined;
    out.push(v);
  }
  return out;
}
