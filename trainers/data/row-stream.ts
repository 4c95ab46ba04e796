/**
 * The trainer's row stream over the corpus: passes (passes.ts) in a block-shuffled order (order.ts), eval
 * rows skipped (they keep their positions, so positions stay pure), every shard hash-checked before a pass
 * reads it, and a cursor after every `take()` that resumes exactly the rest of the sequence.
 *
 * Memory: one block of rows (`shuffleBlock`, read from the shard ranges it overlaps) and its permutation.
 * A resume rebuilds the block the cursor is in; nothing else is replayed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { readManifest, type Manifest, type ShardEntry } from '../../corpus/manifest.ts';
import { CURSOR_VERSION, parseCursor, streamConfig, type Cursor, type NewStreamOptions } from './cursor.ts';
import { isEvalId } from './eval-split.ts';
import { PassOrder } from './order.ts';
import { nextPass } from './passes.ts';
import { assertEnoughTrainRows, assertNotEmpty } from './preflight.ts';
import { ShardReader, type TrainRow } from './reader.ts';
import { latestSeq, shardPath, shardsDigest, shardsInRange, totalRows, verifyShards } from './shards.ts';

export interface RowStreamOptions {
  /** How often follow mode re-reads the manifest while waiting for new shards (default 2000 ms). */
  pollMs?: number;
  /** Aborts a take() that is waiting for new shards; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Fail with TRAIN_CORPUS_TOO_SMALL unless the corpus has this many training rows (the batch size). */
  minTrainRows?: number;
  /** How to wait between polls (tests inject one); default a timer that the signal cancels. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** One pass being served: its cursor fields (position included) and its layout. */
interface PassState {
  cursor: Cursor;
  shards: readonly ShardEntry[];
  order: PassOrder;
}

/** The rows of one block in virtual order, and the order in which they are served. */
interface Block {
  order: PassOrder;
  index: number;
  start: number;
  rows: TrainRow[];
  perm: Uint32Array;
}

const DEFAULT_POLL_MS = 2000;

export class RowStream {
  readonly #dataDir: string;
  readonly #reader: ShardReader;
  readonly #pollMs: number;
  /** The caller's signal, or close(): either stops a take() waiting for new shards. */
  readonly #signal: AbortSignal;
  readonly #closing = new AbortController();
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  #pass: PassState;
  #block: Block | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(dataDir: string, reader: ShardReader, pass: PassState, options: RowStreamOptions) {
    this.#dataDir = dataDir;
    this.#reader = reader;
    this.#pass = pass;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#signal = options.signal === undefined ? this.#closing.signal : AbortSignal.any([options.signal, this.#closing.signal]);
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  }

  /**
   * Start at the beginning (`NewStreamOptions`) or resume from a cursor. Checks up front: the corpus has
   * rows, enough training rows, the cursor's pass still names the same shards, and those shards' hashes.
   */
  static async open(dataDir: string, start: Cursor | NewStreamOptions, options: RowStreamOptions = {}): Promise<RowStream> {
    const manifest = await readManifest(dataDir);
    const cursor = 'version' in start ? parseCursor(start) : firstCursor(manifest, start);
    const covered = shardsInRange(manifest, 0, cursor.coveredTo);
    assertNotEmpty(dataDir, covered);
    const pass = resumePass(dataDir, manifest, cursor);
    const reader = await ShardReader.open();
    try {
      await verifyShards(dataDir, pass.shards);
      await assertEnoughTrainRows(dataDir, reader, covered, cursor.evalPermille, options.minTrainRows ?? 0);
    } catch (error) {
      reader.close();
      throw error;
    }
    return new RowStream(dataDir, reader, pass, options);
  }

  /**
   * Next up to n (>= 1) training rows; fewer only at the very end, [] once the stream has ended (no follow,
   * epochs done). With follow it waits for new shards until it has n rows, so batches never depend on timing.
   */
  take(n: number): Promise<TrainRow[]> {
    const run = this.#queue.then(() => this.#take(n));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The cursor after the last row returned by take(): resuming from it yields exactly the rest of the sequence. */
  cursor(): Cursor {
    return { ...this.#pass.cursor };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort(new LaminiError(ErrorCodes.USAGE, 'the row stream was closed while waiting for new shards'));
    await this.#queue;
    this.#block = undefined;
    this.#reader.close();
  }

  /** Works on a local pass state and publishes it only on success: a rejected take() leaves the cursor alone. */
  async #take(n: number): Promise<TrainRow[]> {
    if (this.#closed) throw new LaminiError(ErrorCodes.USAGE, 'the row stream is closed');
    if (!Number.isSafeInteger(n) || n < 1) throw new LaminiError(ErrorCodes.USAGE, `take(n) needs an integer n >= 1, got ${n}`);
    const out: TrainRow[] = [];
    let pass = this.#pass;
    let position = pass.cursor.position;
    const permille = pass.cursor.evalPermille;
    while (out.length < n) {
      if (position >= pass.order.length) {
        const next = await this.#nextPass({ ...pass, cursor: { ...pass.cursor, position } });
        if (next === undefined) break;
        pass = next;
        position = 0;
        continue;
      }
      const block = await this.#loadBlock(pass, pass.order.blockOf(position));
      const end = block.start + block.rows.length;
      for (; position < end && out.length < n; position++) {
        const row = block.rows[block.perm[position - block.start]!]!;
        if (!isEvalId(row.id, permille)) out.push(row);
      }
    }
    this.#pass = { ...pass, cursor: { ...pass.cursor, position } };
    return out;
  }

  /** The pass after `done`, hash-checked; undefined when the stream has ended. Waits in follow mode. */
  async #nextPass(done: PassState): Promise<PassState | undefined> {
    const c = done.cursor;
    for (;;) {
      const manifest = c.follow ? await readManifest(this.#dataDir) : undefined;
      const latest = manifest === undefined ? c.coveredTo : latestSeq(manifest);
      const next = nextPass(c, c, c.coveredTo, latest);
      if (next.kind === 'end') return undefined;
      if (next.kind === 'wait') {
        this.#signal.throwIfAborted();
        await this.#sleep(this.#pollMs, this.#signal).catch((error: unknown) => {
          this.#signal.throwIfAborted(); // the signal's reason, not the timer's AbortError
          throw error;
        });
        continue;
      }
      const { epoch, fromSeq, toSeq } = next.pass;
      const shards = manifest === undefined ? done.shards : shardsInRange(manifest, fromSeq, toSeq);
      await verifyShards(this.#dataDir, shards);
      const cursor: Cursor = {
        ...c, epoch, fromSeq, toSeq, coveredTo: next.coveredTo, passRows: totalRows(shards), passDigest: shardsDigest(shards), position: 0,
      };
      return { cursor, shards, order: passOrder(cursor, shards) };
    }
  }

  async #loadBlock(pass: PassState, index: number): Promise<Block> {
    const cached = this.#block;
    if (cached !== undefined && cached.order === pass.order && cached.index === index) return cached;
    this.#block = undefined;
    const { start, end } = pass.order.blockRange(index);
    const rows = new Array<TrainRow>(end - start);
    for (const span of pass.order.spans(start, end)) {
      const shard = pass.shards[span.shard]!;
      const read = await this.#reader.readRows(shardPath(this.#dataDir, shard), span.fromRow, span.toRow);
      for (let i = 0; i < read.length; i++) rows[span.virtualStart - start + i] = read[i]!;
    }
    const block: Block = { order: pass.order, index, start, rows, perm: pass.order.blockPermutation(index) };
    this.#block = block;
    return block;
  }
}

/** The cursor of a new stream: epoch 0 over every shard the manifest names now. */
function firstCursor(manifest: Manifest, options: NewStreamOptions): Cursor {
  const config = streamConfig(options);
  const latest = latestSeq(manifest);
  const shards = shardsInRange(manifest, 0, latest);
  return {
    version: CURSOR_VERSION,
    ...config,
    epoch: 0,
    fromSeq: 0,
    toSeq: latest,
    coveredTo: latest,
    passRows: totalRows(shards),
    passDigest: shardsDigest(shards),
    position: 0,
  };
}

/** The cursor's pass, checked against the manifest: the same shards must still be named. */
function resumePass(dataDir: string, manifest: Manifest, cursor: Cursor): PassState {
  const shards = shardsInRange(manifest, cursor.fromSeq, cursor.toSeq);
  const latest = latestSeq(manifest);
  const digest = shardsDigest(shards);
  if (latest < cursor.coveredTo || digest !== cursor.passDigest || totalRows(shards) !== cursor.passRows) {
    throw new LaminiError(
      ErrorCodes.SHARD_MISSING,
      `the cursor's pass (epoch ${cursor.epoch}, shards ${cursor.fromSeq} < seq <= ${cursor.toSeq}, ${cursor.passRows} rows, ` +
        `digest ${cursor.passDigest}) is not in the manifest of ${dataDir} any more: it names ${shards.length} shards with ` +
        `${totalRows(shards)} rows there (digest ${digest}), highest seq ${latest} (the cursor has covered up to ${cursor.coveredTo})`,
      { details: { dataDir, cursor, digest, latest } },
    );
  }
  return { cursor, shards, order: passOrder(cursor, shards) };
}

function passOrder(c: Cursor, shards: readonly ShardEntry[]): PassOrder {
  return new PassOrder({ seed: c.seed, epoch: c.epoch, fromSeq: c.fromSeq, toSeq: c.toSeq }, shards, c.shuffleBlock);
}
