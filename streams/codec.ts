/** What the runner needs from the Avro layer: records to bytes and back, by record type. */
import type { RecordType } from '../operators/types.ts';

export interface RecordCodec {
  encode(type: RecordType, record: object): Uint8Array;
  /**
   * Throws (or rejects with) LaminiError SCHEMA_* for bytes it cannot read. A codec backed by a schema
   * registry may return a promise while it looks up a writer schema it has not seen.
   */
  decode(type: RecordType, bytes: Uint8Array): object | Promise<object>;
}
