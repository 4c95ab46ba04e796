/** The trainer's data side: a resumable, block-shuffled stream of training rows over the corpus, and the eval split. */
export { RowStream, type RowStreamOptions } from './row-stream.ts';
export { parseCursor, streamConfig, CURSOR_VERSION, DEFAULT_SHUFFLE_BLOCK, type Cursor, type NewStreamOptions, type StreamConfig } from './cursor.ts';
export { isEvalId, DEFAULT_EVAL_PERMILLE } from './eval-split.ts';
export { evalRows, type EvalRowsOptions } from './eval-rows.ts';
export { PassOrder, permute, type PassKey, type OrderShard, type RowAddress } from './order.ts';
export { nextPass, type Pass, type NextPass } from './passes.ts';
export type { TrainRow } from './reader.ts';
