/** What the runner needs from the Avro layer: records to bytes and back, typed by record type. */
import type { RecordTypeName, RecordTypes } from '../schemas/types.ts';
import { TOPIC_TYPES, type TopicName, type TopicRecord } from './topics.ts';
import type { EmissionFor } from './operator.ts';

export interface RecordCodec {
  encode<K extends RecordTypeName>(type: K, record: RecordTypes[K]): Uint8Array;
  /**
   * Throws (or rejects with) LaminiError SCHEMA_* for bytes it cannot read. A codec backed by a schema
   * registry may return a promise while it looks up a writer schema it has not seen.
   */
  decode<K extends RecordTypeName>(type: K, bytes: Uint8Array): RecordTypes[K] | Promise<RecordTypes[K]>;
}

/** An emission's bytes, encoded as its topic's record type. */
export function encodeEmission<T extends TopicName>(codec: RecordCodec, e: EmissionFor<T>): Uint8Array {
  return codec.encode(TOPIC_TYPES[e.topic], e.record);
}

/** A record of topic `topic`, decoded as that topic's record type. */
export async function decodeFrom<T extends TopicName>(codec: RecordCodec, topic: T, bytes: Uint8Array): Promise<TopicRecord<T>> {
  return await codec.decode(TOPIC_TYPES[topic], bytes);
}
