/**
 * The Confluent wire format: what Kafka clients that use a schema registry write.
 *
 *   offset  0    1                   5
 *         +----+-------------------+---------------------------------------------+
 *         | 00 | schema id, 4 bytes | Avro binary body, written with that schema  |
 *         |magic| big-endian, int32 | (no length: runs to the end)                |
 *         +----+-------------------+---------------------------------------------+
 *
 * The id is the registry's global id of the writer schema; a reader looks the schema up by it.
 */
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { checkHeader } from '../header.ts';

export const CONFLUENT_MAGIC = 0x00;
export const CONFLUENT_HEADER_BYTES = 5;
const MAGIC_BYTES = Uint8Array.of(CONFLUENT_MAGIC);

/** The 5-byte header for schema `id`. */
export function confluentHeader(id: number): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new LaminiError(ErrorCodes.SCHEMA_INVALID, `schema id ${id} is not a non-negative 32-bit integer`, { details: { id } });
  }
  const header = Buffer.alloc(CONFLUENT_HEADER_BYTES);
  header.writeUInt8(CONFLUENT_MAGIC, 0);
  header.writeInt32BE(id, 1);
  return header;
}

export interface ConfluentFrame {
  id: number;
  body: Uint8Array;
}

/** Splits a message into its schema id and Avro body. Throws SCHEMA_BAD_MAGIC, SCHEMA_DECODE_FAILED. */
export function readConfluentFrame(bytes: Uint8Array): ConfluentFrame {
  checkHeader(bytes, MAGIC_BYTES, CONFLUENT_HEADER_BYTES, 'a Confluent wire-format');
  const id = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(1, false);
  return { id, body: bytes.subarray(CONFLUENT_HEADER_BYTES) };
}
