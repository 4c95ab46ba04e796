/**
 * The JSON header of a safetensors file: parsed with every check the format allows (a bad file is named with
 * its problem, one line, as CHECKPOINT_INVALID), and encoded the way the reference Rust writer does it
 * (`__metadata__` first, tensors in byte order of their names, compact JSON padded with spaces to a multiple
 * of 8), so that F32 files written here are byte for byte those `save_pretrained` writes.
 *
 *   {"__metadata__":{"format":"pt"},
 *    "<name>":{"dtype":"F32","shape":[d0,d1,…],"data_offsets":[begin,end]}, …}
 *
 * Offsets are relative to the start of the data section, end exclusive. The data section is covered exactly:
 * tensors sorted by offset are contiguous, the first starts at 0 and the last ends at the end of the file.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';

/** Bytes per element of every dtype the format defines with a whole number of bytes. */
export const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8, C64: 8,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;

export interface HeaderEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Offsets into the data section, end exclusive. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** In data order. */
  entries: HeaderEntry[];
}

/** The reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

export function isDtype(value: string): value is Dtype {
  return Object.hasOwn(DTYPE_BYTES, value);
}

export function invalid(file: string, problem: string): LaminiError {
  return new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: ${problem}`, { details: { file } });
}

/** Parses and checks a header against the size of the data section that follows it. */
export function parseHeader(json: Uint8Array, dataBytes: number, file: string): SafetensorsHeader {
  let text: string;
  let raw: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
    raw = JSON.parse(text);
  } catch {
    throw invalid(file, 'safetensors header is not UTF-8 JSON');
  }
  if (!isRecord(raw)) throw invalid(file, 'safetensors header is not a JSON object');
  const metadata: Record<string, string> = {};
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === METADATA_KEY) {
      if (!isRecord(value)) throw invalid(file, `${METADATA_KEY} is not an object`);
      for (const [key, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw invalid(file, `${METADATA_KEY}.${key} is not a string`);
        metadata[key] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, file));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of entries) {
    if (e.end > dataBytes) throw invalid(file, `tensor ${JSON.stringify(e.name)} ends at byte ${e.end}, past the data (${dataBytes} bytes)`);
    if (e.begin < at) throw invalid(file, `tensor ${JSON.stringify(e.name)} overlaps the tensor before it (starts at ${e.begin}, before ${at})`);
    if (e.begin > at) throw invalid(file, `tensor ${JSON.stringify(e.name)} leaves a gap in the data (starts at ${e.begin}, expected ${at})`);
    at = e.end;
  }
  if (at !== dataBytes) throw invalid(file, `the tensors cover ${at} of the ${dataBytes} data bytes`);
  return { metadata, entries };
}

function parseEntry(name: string, value: unknown, file: string): HeaderEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isRecord(value)) throw invalid(file, `${where} is not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw invalid(file, `${where} has no dtype`);
  if (!isDtype(dtype)) throw invalid(file, `${where} has unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw invalid(file, `${where} has a bad shape ${JSON.stringify(shape)}`);
  const [begin, end] = Array.isArray(offsets) && offsets.length === 2 ? offsets : [];
  if (!isCount(begin) || !isCount(end)) throw invalid(file, `${where} has bad data_offsets ${JSON.stringify(offsets)}`);
  if (begin > end) throw invalid(file, `${where} has data_offsets [${begin}, ${end}] that end before they begin`);
  const elements = elementCount(shape);
  const expected = elements === undefined ? undefined : elements * DTYPE_BYTES[dtype];
  if (expected === undefined || !Number.isSafeInteger(expected)) throw invalid(file, `${where} has a shape too large ${JSON.stringify(shape)}`);
  if (end - begin !== expected) {
    throw invalid(file, `${where} holds ${end - begin} bytes but ${dtype} ${JSON.stringify(shape)} needs ${expected}`);
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** Product of the dimensions (1 for a scalar), or undefined past the safe integers. */
export function elementCount(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

/** The header bytes, padded with spaces to a multiple of 8, for F32 tensors given in file order. */
export function encodeHeader(entries: ReadonlyArray<Omit<HeaderEntry, 'dtype'>>): Uint8Array {
  let json = `{"${METADATA_KEY}":{"format":"pt"}`;
  for (const e of entries) {
    json += `,${JSON.stringify(e.name)}:{"dtype":"F32","shape":${JSON.stringify(e.shape)},"data_offsets":[${e.begin},${e.end}]}`;
  }
  json += '}';
  const bytes = Buffer.from(json, 'utf8');
  const padded = new Uint8Array(bytes.byteLength + ((8 - (bytes.byteLength % 8)) % 8)).fill(0x20);
  padded.set(bytes);
  return padded;
}

/** Orders names as the Rust writer does: by their UTF-8 bytes. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function isReservedName(name: string): boolean {
  return name === METADATA_KEY;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
