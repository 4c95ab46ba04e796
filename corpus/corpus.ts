/**
 * The corpus writer: one per data dir (lock file), one commit at a time. A commit writes one shard per
 * non-empty table, all under the same new sequence number, then publishes ONE manifest naming them together
 * with the task watermark and input positions they cover. Readers use `readManifest` and never lock.
 *
 * Idempotency: within one commit, records with the same id are written once (keep-first). Across commits the
 * caller (the sink) filters ids that are already committed, from `committedExampleIds()` held in memory:
 * checking every commit against every committed shard would re-read the whole id column each time.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LaminiError, ErrorCodes, isLaminiError } from '../common/errors.ts';
import type { DeadLetter, Dropped, Example } from '../schemas/types.ts';
import type { TopicPosition } from '../streams/transport.ts';
import type { LedgerEntry } from '../teacher/ledger.ts';
import { readTextIfExists, writeFileAtomic } from './fsutil.ts';
import { acquireLock, type Lock } from './lock.ts';
import { MANIFEST_FILE, advanceTasks, corpusDir, mergePositions, parseManifest, emptyManifest, emptyTable, serializeManifest, type Manifest } from './manifest.ts';
import { removeOrphans } from './recover.ts';
import { OPTIONAL_WRITTEN_TABLES, QUERY_TABLES, TABLES, WRITTEN_TABLES, literal, shardFileName, type WrittenTable } from './schema.ts';

type OptionalWrittenTable = (typeof OPTIONAL_WRITTEN_TABLES)[number];
import { deadLetterRow, droppedRow, emptyRows, exampleRow, teacherRequestRow, uniqueById, type Row } from './encode.ts';
import { writeShard } from './shard-writer.ts';

export interface CommitBatch {
  examples?: readonly Example[] | undefined;
  dropped?: readonly Dropped[] | undefined;
  deadLetters?: readonly DeadLetter[] | undefined;
  /** Task numbers whose every output is in this batch or an earlier commit. */
  doneTasks?: readonly number[] | undefined;
  /** Input positions (next offset to read) this commit covers; offsets never move back. */
  positions?: readonly TopicPosition[] | undefined;
  /** Recorded on the first commit that names it; a different seed later is an error. */
  runSeed?: number | undefined;
  /** Teacher ledger entries (`teacher_requests`), committed with the records they paid for. */
  teacherRequests?: readonly LedgerEntry[] | undefined;
}

export interface Corpus {
  readonly dataDir: string;
  /** Files removed on open (temp files and shards of an unpublished commit). */
  readonly orphansRemoved: number;
  /** The last published manifest (sequence 0 when none). */
  manifest(): Manifest;
  committedExampleIds(): Promise<Set<string>>;
  committedInstructionIds(): Promise<Set<string>>;
  /** Publish the batch as one new manifest; returns the current one unchanged when the batch changes nothing. */
  commit(batch: CommitBatch): Promise<Manifest>;
  /** Release the lock; the corpus cannot commit afterwards. */
  close(): Promise<void>;
}

/** Open `<dataDir>/corpus/` for writing: take the lock, then remove what an interrupted commit left. */
export async function openCorpus(dataDir: string): Promise<Corpus> {
  const root = corpusDir(resolve(dataDir));
  await mkdir(root, { recursive: true });
  for (const table of QUERY_TABLES) await mkdir(join(root, TABLES[table].dir), { recursive: true });
  const lock = await acquireLock(join(root, '.lock'));
  try {
    const path = join(root, MANIFEST_FILE);
    const text = await readTextIfExists(path);
    const manifest = text === undefined ? emptyManifest() : parseManifest(text, path);
    const orphansRemoved = await removeOrphans(root, manifest, text !== undefined);
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    return new CorpusWriter(resolve(dataDir), root, lock, manifest, orphansRemoved, instance, conn);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

class CorpusWriter implements Corpus {
  readonly dataDir: string;
  readonly orphansRemoved: number;
  readonly #root: string;
  readonly #lock: Lock;
  readonly #instance: DuckDBInstance;
  readonly #conn: DuckDBConnection;
  #current: Manifest;
  #queue: Promise<unknown> = Promise.resolve();
  #broken: unknown;
  #closed = false;

  constructor(dataDir: string, root: string, lock: Lock, manifest: Manifest, orphans: number, instance: DuckDBInstance, conn: DuckDBConnection) {
    this.dataDir = dataDir;
    this.#root = root;
    this.#lock = lock;
    this.#current = manifest;
    this.orphansRemoved = orphans;
    this.#instance = instance;
    this.#conn = conn;
  }

  manifest(): Manifest {
    return this.#current;
  }

  committedExampleIds(): Promise<Set<string>> {
    return this.#serial(() => this.#readIds('examples', 'id'));
  }

  committedInstructionIds(): Promise<Set<string>> {
    return this.#serial(() => this.#readIds('examples', 'instruction_id'));
  }

  commit(batch: CommitBatch): Promise<Manifest> {
    return this.#serial(() => this.#commit(batch));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue.catch(() => undefined);
    this.#closed = true;
    this.#conn.closeSync();
    this.#instance.closeSync();
    await this.#lock.release();
  }

  #serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new LaminiError(ErrorCodes.CORPUS_WRITE_FAILED, 'the corpus is closed');
      return job();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #readIds(table: WrittenTable, column: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const files = this.#current.tables[table].shards.map((s) => literal(join(this.#root, s.file)));
    if (files.length === 0) return ids;
    const result = await this.#conn.stream(`SELECT "${column}" FROM read_parquet([${files.join(', ')}])`);
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      for (const value of chunk.getColumnValues(0)) if (typeof value === 'string') ids.add(value);
    }
    return ids;
  }

  async #commit(batch: CommitBatch): Promise<Manifest> {
    if (this.#broken !== undefined) {
      throw new LaminiError(ErrorCodes.CORPUS_WRITE_FAILED, 'an earlier manifest publish failed; reopen the corpus', {
        cause: this.#broken,
      });
    }
    const prev = this.#current;
    const seedBefore = prev.progress.run_seed;
    if (batch.runSeed !== undefined && seedBefore !== null && seedBefore !== batch.runSeed) {
      throw new LaminiError(
        ErrorCodes.CORPUS_RUN_SEED_MISMATCH,
        `the corpus holds tasks of run seed ${seedBefore}, not ${batch.runSeed}`,
        { details: { corpus: seedBefore, given: batch.runSeed } },
      );
    }
    const examples = uniqueById(batch.examples ?? []);
    const rows = emptyRows();
    rows.examples = examples.map(exampleRow);
    rows.dropped = uniqueById(batch.dropped ?? []).map(droppedRow);
    rows.dead_letters = uniqueById(batch.deadLetters ?? []).map(deadLetterRow);
    const ledgerRows = uniqueById(batch.teacherRequests ?? []).map(teacherRequestRow);

    const next: Manifest = structuredClone(prev);
    const tasks = advanceTasks(prev.progress, batch.doneTasks ?? []);
    next.progress = {
      run_seed: batch.runSeed ?? seedBefore,
      ...tasks,
      positions: mergePositions(prev.progress.positions, batch.positions ?? []),
    };
    const hasRows = WRITTEN_TABLES.some((t) => rows[t].length > 0) || ledgerRows.length > 0;
    if (!hasRows && JSON.stringify(next.progress) === JSON.stringify(prev.progress)) return prev;

    const seq = prev.sequence + 1;
    const now = new Date().toISOString();
    await this.#writeShards({ ...rows, teacher_requests: ledgerRows }, seq, now, next);
    next.sequence = seq;
    next.updated_at = now;
    const totals = next.totals;
    totals.examples += rows.examples.length;
    totals.dropped += rows.dropped.length;
    totals.dead_letters += rows.dead_letters.length;
    for (const e of examples) {
      totals.prompt_tokens += e.prompt_tokens;
      totals.completion_tokens += e.completion_tokens;
      totals.cost_usd += e.cost_usd;
    }
    try {
      await writeFileAtomic(join(this.#root, MANIFEST_FILE), serializeManifest(next));
    } catch (error) {
      // The rename may or may not have happened: the shards stay, and a reopen settles which manifest won.
      this.#broken = error;
      throw new LaminiError(ErrorCodes.CORPUS_WRITE_FAILED, 'could not publish the manifest', { cause: error, retriable: false });
    }
    this.#current = next;
    return next;
  }

  /** Write this commit's shards and name them in `next`; on failure remove every one written. */
  async #writeShards(rows: Record<WrittenTable | OptionalWrittenTable, Row[]>, seq: number, now: string, next: Manifest): Promise<void> {
    const written: string[] = [];
    try {
      for (const table of [...WRITTEN_TABLES, ...OPTIONAL_WRITTEN_TABLES]) {
        if (rows[table].length === 0) continue;
        const spec = TABLES[table];
        const file = `${spec.dir}/${shardFileName(spec, seq)}`;
        const path = join(this.#root, file);
        written.push(path);
        const shard = await writeShard(this.#conn, spec, rows[table], path);
        const entry = (next.tables[table] ??= emptyTable(table));
        // A column added since the entry was made (appended; old shards read it as NULL): describe the writer's.
        const current = emptyTable(table);
        if (entry.schema_fingerprint !== current.schema_fingerprint) Object.assign(entry, { schema_fingerprint: current.schema_fingerprint, columns: current.columns });
        entry.shards.push({ seq, file, ...shard, created_at: now });
      }
    } catch (error) {
      for (const path of written) await rm(path, { force: true }).catch(() => undefined);
      if (isLaminiError(error)) throw error;
      throw new LaminiError(ErrorCodes.CORPUS_WRITE_FAILED, `could not write a shard: ${describe(error)}`, {
        cause: error,
        retriable: true,
      });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
