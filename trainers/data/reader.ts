/**
 * Reads row ranges of example shards with DuckDB, only the columns training needs. A range is selected by
 * `file_row_number`, which DuckDB pushes down to the Parquet scan, so reading rows [a, b) of a shard decodes
 * about the row groups that hold them, not the whole file. Callers check a shard's hash before reading it.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { literal } from '../../corpus/schema.ts';

/** One training example as the trainer sees it. */
export interface TrainRow {
  id: string;
  /** With an input joined as `instruction : input` (the corpus convention). */
  instruction: string;
  /** The input alone, empty when none. */
  input: string;
  response: string;
  instruction_source: string;
}

const ROW_COLUMNS = ['id', 'instruction', 'input', 'response', 'instruction_source'] as const;

export class ShardReader {
  readonly #instance: DuckDBInstance;
  readonly #conn: DuckDBConnection;
  #closed = false;

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection) {
    this.#instance = instance;
    this.#conn = conn;
  }

  static async open(): Promise<ShardReader> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    return new ShardReader(instance, await instance.connect());
  }

  /** Rows [fromRow, toRow) of the shard at `path`, in file order. */
  async readRows(path: string, fromRow: number, toRow: number): Promise<TrainRow[]> {
    const columns = await this.#read(path, fromRow, toRow, ROW_COLUMNS);
    const [id, instruction, input, response, source] = columns;
    const rows: TrainRow[] = new Array<TrainRow>(toRow - fromRow);
    for (let i = 0; i < rows.length; i++) {
      rows[i] = {
        id: text(id?.[i]),
        instruction: text(instruction?.[i]),
        input: text(input?.[i]),
        response: text(response?.[i]),
        instruction_source: text(source?.[i]),
      };
    }
    return rows;
  }

  /** The ids of rows [fromRow, toRow), in file order. */
  async readIds(path: string, fromRow: number, toRow: number): Promise<string[]> {
    const [ids] = await this.#read(path, fromRow, toRow, ['id']);
    return (ids ?? []).map(text);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.closeSync();
    this.#instance.closeSync();
  }

  /** Column values (one array per column) of rows [fromRow, toRow), placed by file_row_number. */
  async #read(path: string, fromRow: number, toRow: number, names: readonly string[]): Promise<DuckDBValue[][]> {
    const want = toRow - fromRow;
    const columns = names.map(() => new Array<DuckDBValue>(want));
    if (want <= 0) return columns;
    const sql =
      `SELECT file_row_number, ${names.map((n) => `"${n}"`).join(', ')} ` +
      `FROM read_parquet(${literal(path)}, file_row_number = true) ` +
      `WHERE file_row_number >= ${fromRow} AND file_row_number < ${toRow}`;
    let got = 0;
    try {
      const result = await this.#conn.stream(sql);
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const at = chunk.getColumnValues(0).map((n) => Number(n) - fromRow);
        columns.forEach((column, c) => {
          const values = chunk.getColumnValues(c + 1);
          for (let i = 0; i < at.length; i++) column[at[i]!] = values[i] ?? null;
        });
        got += chunk.rowCount;
      }
    } catch (error) {
      throw new LaminiError(ErrorCodes.SHARD_CHANGED, `cannot read rows ${fromRow}..${toRow} of shard ${path}: ${firstLine(error)}`, {
        cause: error,
        details: { path, fromRow, toRow },
      });
    }
    if (got !== want) {
      throw new LaminiError(ErrorCodes.SHARD_CHANGED, `shard ${path} has ${got} rows in ${fromRow}..${toRow}, expected ${want}`, {
        details: { path, fromRow, toRow, got },
      });
    }
    return columns;
  }
}

function text(value: DuckDBValue | undefined): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}
