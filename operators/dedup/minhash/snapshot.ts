/**
 * The MinHash index as bytes, with the input positions it covers, so a restart restores it and replays
 * only the input after those positions (DESIGN.md, "Scaling past one machine").
 *
 *   offset  size  field
 *   0       4     magic "LMH1" (ASCII)
 *   4       4     H: header length in bytes (uint32, little-endian)
 *   8       H     header: UTF-8 JSON {version, config, records, covers, sections: [{name, bytes}]}
 *   8+H     0-3   zero padding to a multiple of 4
 *   …             sections, in header order, each padded to a multiple of 4:
 *                   lengths   int32[records]          shingle count per kept record
 *                   shingles  uint32[Σ lengths]       sorted shingle hashes, record after record
 *                   keys      int32[records · bands]  LSH band keys, record-major
 *                   ids       UTF-8 JSON array of the kept ids, in keep order
 * Typed-array sections are little-endian (checked at encode and decode time).
 */
import { endianness } from 'node:os';
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { MinHashConfig } from './config.ts';

const MAGIC = 'LMH1';
export const SNAPSHOT_VERSION = 1;

/** The input positions a snapshot reflects, in the caller's terms (lines read, topic offsets, …). */
export type SnapshotCovers = Record<string, unknown>;

export interface SnapshotParts {
  config: MinHashConfig;
  covers: SnapshotCovers;
  ids: string[];
  lengths: Int32Array;
  shingles: Uint32Array;
  keys: Int32Array;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export function encodeSnapshot(parts: SnapshotParts): Uint8Array {
  requireLittleEndian();
  const ids = Buffer.from(JSON.stringify(parts.ids), 'utf8');
  const sections: Array<[string, Uint8Array]> = [
    ['lengths', new Uint8Array(parts.lengths.buffer, parts.lengths.byteOffset, parts.lengths.byteLength)],
    ['shingles', new Uint8Array(parts.shingles.buffer, parts.shingles.byteOffset, parts.shingles.byteLength)],
    ['keys', new Uint8Array(parts.keys.buffer, parts.keys.byteOffset, parts.keys.byteLength)],
    ['ids', ids],
  ];
  const header = Buffer.from(JSON.stringify({
    version: SNAPSHOT_VERSION, config: parts.config, records: parts.ids.length, covers: parts.covers,
    sections: sections.map(([name, bytes]) => ({ name, bytes: bytes.byteLength })),
  }), 'utf8');
  let total = 8 + pad4(header.byteLength);
  for (const [, bytes] of sections) total += pad4(bytes.byteLength);
  const out = new Uint8Array(total);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(4, header.byteLength, true);
  out.set(header, 8);
  let at = 8 + pad4(header.byteLength);
  for (const [, bytes] of sections) {
    out.set(bytes, at);
    at += pad4(bytes.byteLength);
  }
  return out;
}

export function decodeSnapshot(bytes: Uint8Array): SnapshotParts {
  requireLittleEndian();
  const bad = (why: string): LaminiError => new LaminiError(ErrorCodes.DEDUP_SNAPSHOT_INVALID, `dedup snapshot is not valid: ${why}`);
  if (bytes.byteLength < 8 || Buffer.from(bytes.subarray(0, 4)).toString('ascii') !== MAGIC) throw bad('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) throw bad('truncated header');
  let header: { version?: unknown; config?: MinHashConfig; records?: number; covers?: SnapshotCovers; sections?: Array<{ name: string; bytes: number }> };
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as typeof header;
  } catch {
    throw bad('unreadable header');
  }
  if (header.version !== SNAPSHOT_VERSION) {
    throw new LaminiError(ErrorCodes.DEDUP_SNAPSHOT_VERSION, `dedup snapshot version ${String(header.version)} is not supported (this build reads ${SNAPSHOT_VERSION})`);
  }
  const { config, records, covers, sections } = header;
  if (config === undefined || typeof records !== 'number' || covers === undefined || !Array.isArray(sections)) throw bad('incomplete header');
  const found = new Map<string, Uint8Array>();
  let at = 8 + pad4(headerLength);
  for (const s of sections) {
    if (at + s.bytes > bytes.byteLength) throw bad(`truncated section ${s.name}`);
    // Copied so typed views are aligned whatever the caller's buffer offset, and own their buffer: a
    // Buffer's slice() (a file read with readFile) is a view, whose .buffer is the whole pool.
    found.set(s.name, Uint8Array.prototype.slice.call(bytes, at, at + s.bytes));
    at += pad4(s.bytes);
  }
  const section = (name: string): Uint8Array => {
    const b = found.get(name);
    if (b === undefined) throw bad(`missing section ${name}`);
    return b;
  };
  const lengths = new Int32Array(section('lengths').buffer);
  const shingles = new Uint32Array(section('shingles').buffer);
  const keys = new Int32Array(section('keys').buffer);
  const ids = JSON.parse(Buffer.from(section('ids')).toString('utf8')) as string[];
  let total = 0;
  for (const l of lengths) total += l;
  if (ids.length !== records || lengths.length !== records || total !== shingles.length || keys.length !== records * config.bands) {
    throw bad('section sizes do not agree with the header');
  }
  return { config, covers, ids, lengths, shingles, keys };
}

function requireLittleEndian(): void {
  if (endianness() !== 'LE') throw new LaminiError(ErrorCodes.INTERNAL, 'dedup snapshots need a little-endian machine');
}
