/** The check every wire format makes before it reads its header: the magic bytes, then the header's length. */
import { ErrorCodes, LaminiError } from '../common/errors.ts';

/** Throws SCHEMA_BAD_MAGIC when `bytes` do not start with `magic`, SCHEMA_DECODE_FAILED when shorter than the header. */
export function checkHeader(bytes: Uint8Array, magic: Uint8Array, headerBytes: number, format: string): void {
  if (bytes.byteLength < magic.byteLength || magic.some((b, i) => bytes[i] !== b)) {
    const head = Buffer.from(bytes.subarray(0, 2)).toString('hex');
    const want = Buffer.from(magic).toString('hex');
    throw new LaminiError(ErrorCodes.SCHEMA_BAD_MAGIC, `not ${format} message (starts with "${head}", not "${want}")`, {
      details: { head, bytes: bytes.byteLength },
    });
  }
  if (bytes.byteLength < headerBytes) {
    throw new LaminiError(ErrorCodes.SCHEMA_DECODE_FAILED, `message of ${bytes.byteLength} bytes is shorter than its header`, {
      details: { bytes: bytes.byteLength },
    });
  }
}
