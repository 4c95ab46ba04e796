/**
 * `lamini dedup`: the dedup filter over a JSONL file, keep-first in file order. Kept lines are copied
 * unchanged to --output; each dropped record becomes one line {id, duplicate_of, jaccard, line} in
 * --dropped. A line that is not JSON, or has no string in the text field, is reported on stderr with its
 * line number and counted in `errors`; the run goes on.
 */
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { normaliseText } from '../../common/hash.ts';
import { MinHashIndex } from '../../operators/dedup/minhash/index.ts';
import { parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export interface DedupFileOptions {
  input: string;
  field: string;
  idField: string;
  output?: string;
  dropped?: string;
  /** MinHash index options; `exact` keeps one record per normalised text instead. */
  index: MinHashIndex | 'exact';
  /** Per-line problems (bad JSON, missing field); default: stderr. */
  onLineError?: (line: number, message: string) => void;
}

export interface DedupSummary {
  input: string;
  index: string;
  records: number;
  kept: number;
  dropped: number;
  errors: number;
  seconds: number;
  records_per_second: number;
}

/** A write stream fed one chunk per input chunk, waiting when the OS buffer is full. */
class Sink {
  readonly #stream: WriteStream | undefined;
  #parts: string[] = [];

  constructor(path: string | undefined) {
    this.#stream = path === undefined ? undefined : createWriteStream(path);
  }

  /** Buffers a line until the next `flush()` (after each input chunk of at most 1 MiB). */
  write(line: string): void {
    if (this.#stream !== undefined) this.#parts.push(line);
  }

  async flush(): Promise<void> {
    if (this.#stream === undefined || this.#parts.length === 0) return;
    const ok = this.#stream.write(this.#parts.join(''));
    this.#parts = [];
    if (!ok) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#stream === undefined) return;
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}

export async function dedupFile(options: DedupFileOptions): Promise<DedupSummary> {
  if (!existsSync(options.input)) throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `no such file: ${options.input}`);
  const started = performance.now();
  const onLineError = options.onLineError ?? ((line, message) => process.stderr.write(`lamini dedup: ${options.input}:${line}: ${message}\n`));
  const kept = new Sink(options.output);
  const dropped = new Sink(options.dropped);
  const index = options.index;
  const exact = new Map<string, string>();
  const summary = { records: 0, kept: 0, dropped: 0, errors: 0 };
  let lineNo = 0;

  // Synchronous per line (no promise per record); the sinks are flushed between input chunks.
  const handle = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    } catch (error) {
      summary.errors++;
      onLineError(lineNo, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const text = typeof rec === 'object' && rec !== null ? (rec as Record<string, unknown>)[options.field] : undefined;
    if (typeof text !== 'string') {
      summary.errors++;
      onLineError(lineNo, `has no string field "${options.field}"`);
      return;
    }
    const rawId = (rec as Record<string, unknown>)[options.idField];
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : String(lineNo);
    summary.records++;
    let duplicateOf: string | undefined;
    let jaccard = 1;
    if (index === 'exact') {
      const key = normaliseText(text);
      duplicateOf = exact.get(key);
      if (duplicateOf === undefined) exact.set(key, id);
    } else {
      const m = index.offer(id, text);
      if (m !== undefined) [duplicateOf, jaccard] = [m.id, m.jaccard];
    }
    if (duplicateOf === undefined) {
      summary.kept++;
      kept.write(`${line}\n`);
    } else {
      summary.dropped++;
      dropped.write(`${JSON.stringify({ id, duplicate_of: duplicateOf, jaccard: Math.round(jaccard * 1e4) / 1e4, line: lineNo })}\n`);
    }
  };

  let rest = '';
  try {
    for await (const chunk of createReadStream(options.input, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      await Promise.all([kept.flush(), dropped.flush()]);
    }
    if (rest !== '') handle(rest);
  } catch (error) {
    if (error instanceof LaminiError) throw error;
    throw new LaminiError(ErrorCodes.FILE_UNREADABLE, `cannot read ${options.input}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await Promise.all([kept.close(), dropped.close()]);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    input: options.input,
    index: index === 'exact' ? 'exact' : index.name,
    ...summary,
    seconds: Math.round(seconds * 1000) / 1000,
    records_per_second: Math.round(summary.records / Math.max(seconds, 1e-9)),
  };
}

export async function dedupCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    input: { type: 'string' },
    field: { type: 'string' },
    'id-field': { type: 'string' },
    output: { type: 'string' },
    dropped: { type: 'string' },
    threshold: { type: 'string' },
    signature: { type: 'string' },
    json: { type: 'boolean' },
  }, 'dedup');
  if (values.help === true) {
    process.stdout.write(`${HELP.dedup}\n`);
    return 0;
  }
  const input = stringOption(values, 'input');
  if (input === undefined) throw new LaminiError(ErrorCodes.USAGE, '--input FILE.jsonl is required (see "lamini dedup --help")');
  const config = configFrom(values, {
    'dedup.threshold': stringOption(values, 'threshold'),
    'dedup.signature': stringOption(values, 'signature'),
  }).dedup;
  const index = config.mode === 'exact' ? 'exact' as const : new MinHashIndex({
    threshold: config.threshold, numPerm: config.permutations, bands: config.bands, rows: config.rows,
    ngram: config.ngram, seed: config.seed, signature: config.signature,
  });
  const output = stringOption(values, 'output');
  const dropped = stringOption(values, 'dropped');
  const summary = await dedupFile({
    input, index, field: stringOption(values, 'field') ?? 'text', idField: stringOption(values, 'id-field') ?? 'id',
    ...(output === undefined ? {} : { output }), ...(dropped === undefined ? {} : { dropped }),
  });
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const n = (x: number): string => x.toLocaleString('en-US');
    process.stdout.write(`${n(summary.records)} records: ${n(summary.kept)} kept, ${n(summary.dropped)} dropped`
      + `${summary.errors > 0 ? `, ${n(summary.errors)} bad lines` : ''} in ${summary.seconds.toFixed(2)} s`
      + ` (${n(summary.records_per_second)} records/s) [${summary.index}]\n`);
  }
  return 0;
}
