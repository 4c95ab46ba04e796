/**
 * The instructions people rate answers to: JSON Lines, one `{"id"?, "instruction", "input"?}` a line (other
 * fields, such as a category, are kept out of the way). An id defaults to the first 12 hex digits of sha256 over
 * the instruction and input, so a file without ids still names each item the same way every time.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { LaminiError, ErrorCodes } from '../common/errors.ts';

export interface RateInstruction {
  id: string;
  instruction: string;
  input: string;
}

export interface InstructionSet {
  /** The file's name without its extension: the `task` of the rating rows. */
  name: string;
  items: RateInstruction[];
  /** First 16 hex digits of sha256 over the items (ids and texts): names this set in the rating session. */
  hash: string;
}

export async function readInstructions(file: string): Promise<InstructionSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `cannot read the instructions file ${file}`, { cause: error, details: { file } });
  }
  return parseInstructions(text, basename(file).replace(/\.(jsonl|ndjson|json)$/i, ''), file);
}

export function parseInstructions(text: string, name: string, source = name): InstructionSet {
  const items: RateInstruction[] = [];
  const issues: string[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      issues.push(`line ${line}: not JSON`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push(`line ${line}: expected an object`);
      return;
    }
    const fields = new Map<string, unknown>(Object.entries(value));
    const instruction = fields.get('instruction');
    const input = fields.get('input') ?? '';
    const id = fields.get('id');
    if (typeof instruction !== 'string' || instruction.trim() === '') issues.push(`line ${line}: instruction: expected a non-empty string`);
    if (typeof input !== 'string') issues.push(`line ${line}: input: expected a string`);
    if (id !== undefined && (typeof id !== 'string' || id === '') && typeof id !== 'number') issues.push(`line ${line}: id: expected a string or a number`);
    if (typeof instruction !== 'string' || instruction.trim() === '' || typeof input !== 'string') return;
    const itemId = typeof id === 'string' || typeof id === 'number' ? String(id) : shortHash(JSON.stringify([instruction, input]), 12);
    const first = seen.get(itemId);
    if (first !== undefined) issues.push(`line ${line}: id ${itemId} repeats line ${first}`);
    seen.set(itemId, line);
    items.push({ id: itemId, instruction: instruction.trim(), input: input.trim() });
  });
  if (items.length === 0 && issues.length === 0) issues.push('no instructions');
  if (issues.length > 0) {
    throw new LaminiError(ErrorCodes.RATE_INSTRUCTIONS_INVALID, `${source}: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, {
      details: { file: source, issues },
    });
  }
  return { name, items, hash: shortHash(JSON.stringify(items.map((it) => [it.id, it.instruction, it.input])), 16) };
}

export function shortHash(text: string, digits: number): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, digits);
}
