/** What the runner needs from the Avro layer: records to bytes and back, by record type. */
import type { RecordType } from '../operators/types.ts';

export interface RecordCodec {
  encode(type: RecordType, record: object): Uint8Array;
  /** Throws LaminiError (SCHEMA_*) for bytes it cannot read. */
  decode(type: RecordType, bytes: Uint8Array): object;
}
