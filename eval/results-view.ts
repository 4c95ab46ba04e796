/**
 * The `results` view of `lamini query`: the results store's JSON Lines files (results.ts) read by DuckDB with
 * the columns of result-row.ts, or an empty relation with those columns when nothing was written yet.
 * corpus/views.ts adds the files to DuckDB's allowed paths and creates this view after the corpus's own.
 */
import { ident, literal } from '../corpus/schema.ts';
import { RESULT_COLUMNS } from './result-row.ts';

/** `CREATE OR REPLACE VIEW results AS ...` over these files (absolute paths). */
export function resultsViewSql(files: readonly string[]): string {
  const names = RESULT_COLUMNS.map((c) => ident(c.name)).join(', ');
  if (files.length === 0) {
    const empty = RESULT_COLUMNS.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ');
    return `CREATE OR REPLACE VIEW results AS SELECT ${empty} WHERE false`;
  }
  const columns = RESULT_COLUMNS.map((c) => `${ident(c.name)}: ${literal(c.type)}`).join(', ');
  const source = `read_json([${files.map(literal).join(', ')}], format = 'newline_delimited', columns = {${columns}})`;
  return `CREATE OR REPLACE VIEW results AS SELECT ${names} FROM ${source}`;
}
