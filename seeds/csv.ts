/**
 * A streaming RFC 4180 CSV parser: quoted fields may hold the delimiter, doubled quotes ("") and line breaks;
 * records end at CRLF, LF or CR. It is lenient where the RFC is silent (a quote inside an unquoted field is
 * kept as text) and reports, rather than guesses, where a record cannot be read: text after a closing quote,
 * or a quoted field still open at the end of the file. Each record carries the 1-based line it starts on and
 * its raw text (capped), so a rejection can point at it.
 */

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
  /** The record's text as read (capped at `rawCap` characters). */
  raw: string;
  /** Set when the record could not be read cleanly. */
  error?: string;
}

export interface CsvOptions {
  delimiter?: string;
  rawCap?: number;
}

export async function* parseCsv(chunks: AsyncIterable<string>, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const rawCap = options.rawCap ?? 65_536;
  let fields: string[] = [];
  let field = '';
  let raw = '';
  let line = 1;
  let startLine = 1;
  let inQuotes = false;
  let quotedField = false; // the current field began with a quote
  let afterClose = false; // just read the closing quote of a quoted field
  let pendingCr = false; // saw CR outside quotes; an LF right after it belongs to the same break
  let error: string | undefined;
  let empty = true; // nothing read for this record yet
  let quotedCr = false; // the last char inside quotes was CR (so a following LF is the same line break)

  const finish = (): CsvRecord | undefined => {
    fields.push(field);
    const record: CsvRecord = { line: startLine, fields, raw };
    if (error !== undefined) record.error = error;
    const blank = empty && fields.length === 1 && field === '' && !quotedField;
    fields = [];
    field = '';
    raw = '';
    quotedField = false;
    afterClose = false;
    error = undefined;
    empty = true;
    return blank ? undefined : record;
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as string;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue; // CRLF: the record was already finished at the CR
      }
      if (inQuotes) {
        if (raw.length < rawCap) raw += c;
        if (c !== '\n') quotedCr = false;
        if (c === '"') {
          if (chunk[i + 1] === undefined) {
            // the next char is in the next chunk: decide there
            inQuotes = false;
            afterClose = true;
          } else if (chunk[i + 1] === '"') {
            field += '"';
            if (raw.length < rawCap) raw += '"';
            i++;
          } else {
            inQuotes = false;
            afterClose = true;
          }
        } else {
          if (c === '\r' || (c === '\n' && !quotedCr)) line++;
          quotedCr = c === '\r';
          field += c;
        }
        continue;
      }
      if (c === '\n' || c === '\r') {
        const record = finish();
        if (record !== undefined) yield record;
        line++;
        startLine = line;
        if (c === '\r') pendingCr = true;
        continue;
      }
      if (raw.length < rawCap) raw += c;
      empty = false;
      if (c === delimiter) {
        fields.push(field);
        field = '';
        quotedField = false;
        afterClose = false;
        continue;
      }
      if (afterClose) {
        if (c === '"') {
          // a doubled quote split across chunks
          field += '"';
          inQuotes = true;
          afterClose = false;
          continue;
        }
        error ??= `unexpected ${JSON.stringify(c)} after a closing quote`;
        field += c;
        continue;
      }
      if (c === '"' && field === '' && !quotedField) {
        inQuotes = true;
        quotedField = true;
        continue;
      }
      field += c;
    }
  }
  if (inQuotes) error ??= `quoted field opened on or after line ${startLine} is never closed`;
  const last = finish();
  if (last !== undefined) yield last;
}
