/**
 * Students' answers, generated once and kept in `<dataDir>/rate/answers.jsonl`, one JSON object a line, so a
 * reload or a restart of `lamini rate` shows the rater the same text without generating it again.
 *
 *   {"key", "checkpoint", "item", "answer", "tokens", "finish", "created_at"}
 *
 * `key` is sha256 over (the checkpoint's identity: folder, weights file size and modification time; the
 * instruction and input; the generation settings): a retrained checkpoint or an edited instruction gets a new
 * answer. Lines are only appended (a single write each, O_APPEND); a line that does not parse (a write cut by a
 * crash) is skipped and counted, and its answer is generated again.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { shortHash } from './instructions.ts';

export interface CachedAnswer {
  key: string;
  checkpoint: string;
  item: string;
  answer: string;
  tokens: number;
  finish: string;
  created_at: string;
}

export function answersFile(dataDir: string): string {
  return join(resolve(dataDir), 'rate', 'answers.jsonl');
}

export function answerKey(parts: { checkpointIdentity: string; instruction: string; input: string; settings: Record<string, unknown> }): string {
  return shortHash(JSON.stringify([parts.checkpointIdentity, parts.instruction, parts.input, parts.settings]), 32);
}

export class AnswerCache {
  readonly file: string;
  /** Lines that did not parse when the cache was opened. */
  readonly skipped: number;
  private readonly answers: Map<string, CachedAnswer>;

  private constructor(file: string, answers: Map<string, CachedAnswer>, skipped: number) {
    this.file = file;
    this.answers = answers;
    this.skipped = skipped;
  }

  static async open(dataDir: string): Promise<AnswerCache> {
    const file = answersFile(dataDir);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
    const answers = new Map<string, CachedAnswer>();
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const row = parseAnswer(line);
      if (row === undefined) skipped += 1;
      else answers.set(row.key, row);
    }
    return new AnswerCache(file, answers, skipped);
  }

  get size(): number {
    return this.answers.size;
  }

  get(key: string): CachedAnswer | undefined {
    return this.answers.get(key);
  }

  async put(answer: CachedAnswer): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(answer)}\n`, 'utf8');
    this.answers.set(answer.key, answer);
  }
}

function parseAnswer(line: string): CachedAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const f = new Map<string, unknown>(Object.entries(value));
  const str = (k: string): string | undefined => {
    const v = f.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const key = str('key');
  const checkpoint = str('checkpoint');
  const item = str('item');
  const answer = str('answer');
  const finish = str('finish');
  const created = str('created_at');
  const tokens = f.get('tokens');
  if (key === undefined || checkpoint === undefined || item === undefined || answer === undefined || finish === undefined || created === undefined) return undefined;
  if (typeof tokens !== 'number') return undefined;
  return { key, checkpoint, item, answer, tokens, finish, created_at: created };
}
