/**
 * safetensors files (the format of `model.safetensors`), read into and written from Float32Arrays.
 *
 *   offset   size  field
 *   0        8     N: header length in bytes (uint64, little-endian)
 *   8        N     header: UTF-8 JSON, space-padded to a multiple of 8 (safetensors-header.ts)
 *   8+N      …     data: each tensor's elements, row-major, little-endian, contiguous, in header offset order
 *
 * Written: F32 only, `__metadata__` {"format":"pt"}. Read: F32, and F16 / BF16 converted to float32; other
 * dtypes are checked but can only be skipped (`select`). A file is read tensor by tensor straight into its
 * Float32Array (one copy, from the disk), so a 500 MB file never sits in memory twice, and a file of any size
 * can be read (no 2 GiB `readFile` limit). Every problem is CHECKPOINT_INVALID naming the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { isNotFound } from './fs-probe.ts';
import { nodeFileWriter, type FileWriter } from './file-writer.ts';
import { bf16ToF32, f16ToF32 } from './half.ts';
import {
  compareNames, elementCount, encodeHeader, invalid, isReservedName, MAX_HEADER_BYTES, parseHeader,
  type HeaderEntry, type SafetensorsHeader,
} from './safetensors-header.ts';

export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

export type FloatTensors = ReadonlyMap<string, FloatTensor>;

export interface ReadOptions {
  /** Which tensors to read (default: all). Unselected ones are still checked, never read or converted. */
  select?: (name: string) => boolean;
}

export type { HeaderEntry, SafetensorsHeader } from './safetensors-header.ts';

/** Largest single read: Linux reads at most about 2 GiB per call. */
const MAX_READ = 1 << 30;

/** The header of a file (names, dtypes, shapes), without reading its data. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const handle = await openForRead(path);
  try {
    return (await readLayout(handle, path)).header;
  } finally {
    await handle.close();
  }
}

/** Reads a file's (selected) tensors as float32. */
export async function readSafetensors(path: string, options: ReadOptions = {}): Promise<Map<string, FloatTensor>> {
  requireLittleEndian();
  const handle = await openForRead(path);
  try {
    const { header, dataStart } = await readLayout(handle, path);
    const out = new Map<string, FloatTensor>();
    for (const entry of header.entries) {
      if (options.select !== undefined && !options.select(entry.name)) continue;
      if (!isReadable(entry.dtype)) throw unreadable(entry, path);
      const floats = entry.dtype === 'F32' ? new Float32Array((entry.end - entry.begin) / 4) : undefined;
      const bytes = floats === undefined ? new Uint8Array(entry.end - entry.begin) : new Uint8Array(floats.buffer);
      await readFully(handle, bytes, dataStart + entry.begin, path);
      out.set(entry.name, { shape: entry.shape, data: floats ?? toFloat32(entry, bytes, path) });
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Decodes a whole file held in memory. F32 tensors whose bytes are 4-aligned are views into `bytes` (no copy):
 * they change if `bytes` does.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string, options: ReadOptions = {}): Map<string, FloatTensor> {
  requireLittleEndian();
  const { header, dataStart } = layoutOf(bytes, file);
  const out = new Map<string, FloatTensor>();
  for (const entry of header.entries) {
    if (options.select !== undefined && !options.select(entry.name)) continue;
    const at = bytes.byteOffset + dataStart + entry.begin;
    const length = entry.end - entry.begin;
    let data: Float32Array;
    if (entry.dtype === 'F32' && at % 4 === 0) data = new Float32Array(bytes.buffer, at, length / 4);
    else data = toFloat32(entry, bytes.slice(dataStart + entry.begin, dataStart + entry.end), file);
    out.set(entry.name, { shape: entry.shape, data });
  }
  return out;
}

/**
 * The file as a list of chunks: the length, the header, then each tensor's own bytes (views, not copies), in
 * the order and layout the reference writer uses. Tensors must be float32 with `data.length` = product(shape).
 */
export function encodeSafetensorsChunks(tensors: FloatTensors): Uint8Array[] {
  requireLittleEndian();
  const names = [...tensors.keys()].sort(compareNames);
  const entries: Array<Omit<HeaderEntry, 'dtype'>> = [];
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = tensors.get(name);
    if (tensor === undefined) continue;
    checkTensor(name, tensor);
    const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    entries.push({ name, shape: [...tensor.shape], begin: offset, end: offset + bytes.byteLength });
    data.push(bytes);
    offset += bytes.byteLength;
  }
  const header = encodeHeader(entries);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  return [length, header, ...data];
}

/** The whole file in one buffer (for small files and tests; `writeSafetensors` streams instead). */
export function encodeSafetensors(tensors: FloatTensors): Uint8Array {
  const chunks = encodeSafetensorsChunks(tensors);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Writes a new file (it must not exist) and fsyncs it. */
export async function writeSafetensors(path: string, tensors: FloatTensors, writer: FileWriter = nodeFileWriter): Promise<void> {
  await writer.writeFile(path, encodeSafetensorsChunks(tensors));
}

/** Opens a file; a missing one is FILE_NOT_FOUND, another failure FILE_UNREADABLE. */
async function openForRead(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const missing = isNotFound(error);
    const reason = error instanceof Error ? error.message : String(error);
    throw new LaminiError(missing ? ErrorCodes.FILE_NOT_FOUND : ErrorCodes.FILE_UNREADABLE, `cannot open ${path}: ${reason}`,
      { cause: error, details: { file: path } });
  }
}

interface Layout {
  header: SafetensorsHeader;
  dataStart: number;
}

async function readLayout(handle: FileHandle, file: string): Promise<Layout> {
  const size = (await handle.stat()).size;
  if (size < 8) throw tooShort(size, file);
  const prefix = new Uint8Array(8);
  await readFully(handle, prefix, 0, file);
  const length = headerLength(prefix, size, file);
  const json = new Uint8Array(length);
  await readFully(handle, json, 8, file);
  return { header: parseHeader(json, size - 8 - length, file), dataStart: 8 + length };
}

function layoutOf(bytes: Uint8Array, file: string): Layout {
  if (bytes.byteLength < 8) throw tooShort(bytes.byteLength, file);
  const length = headerLength(bytes.subarray(0, 8), bytes.byteLength, file);
  const header = parseHeader(bytes.subarray(8, 8 + length), bytes.byteLength - 8 - length, file);
  return { header, dataStart: 8 + length };
}

function tooShort(size: number, file: string): LaminiError {
  return invalid(file, `${size} bytes is too short for a safetensors file`);
}

function headerLength(prefix: Uint8Array, size: number, file: string): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(size - 8)) throw invalid(file, `safetensors header length ${n} exceeds the file (${size} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw invalid(file, `safetensors header length ${n} is over the ${MAX_HEADER_BYTES}-byte limit`);
  if (n < 2n) throw invalid(file, `safetensors header length ${n} is too short for JSON`);
  return Number(n);
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const { bytesRead } = await handle.read(into, done, Math.min(MAX_READ, into.byteLength - done), position + done);
    if (bytesRead === 0) throw invalid(file, `file ended at byte ${position + done}, expected ${position + into.byteLength}`);
    done += bytesRead;
  }
}

/** `bytes` (a fresh, aligned copy of the tensor's data) as float32. */
function toFloat32(entry: HeaderEntry, bytes: Uint8Array, file: string): Float32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
    case 'F16':
      return f16ToF32(new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2));
    case 'BF16':
      return bf16ToF32(new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2));
    default:
      throw unreadable(entry, file);
  }
}

function isReadable(dtype: string): boolean {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

function unreadable(entry: HeaderEntry, file: string): LaminiError {
  return invalid(file, `tensor ${JSON.stringify(entry.name)} has dtype ${entry.dtype}; only F32, F16 and BF16 can be read as weights`);
}

function checkTensor(name: string, tensor: FloatTensor): void {
  const count = elementCount(tensor.shape);
  const ok = !isReservedName(name) && tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
    tensor.data instanceof Float32Array && count === tensor.data.length;
  if (!ok) {
    throw new LaminiError(ErrorCodes.INTERNAL, `cannot write tensor ${JSON.stringify(name)}: shape ${JSON.stringify(tensor.shape)} with ${tensor.data.length} float32 values`);
  }
}

function requireLittleEndian(): void {
  if (endianness() !== 'LE') throw new LaminiError(ErrorCodes.INTERNAL, 'safetensors needs a little-endian machine');
}
