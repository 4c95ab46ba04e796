/**
 * One error family for the whole project. Every error a user can meet carries a stable `code` from
 * `ErrorCodes`, whether a retry could help (`retriable`), an optional `cause`, and typed `details`.
 * Decide on `code`, never on message text or `error.name`.
 */
export const ErrorCodes = {
  // configuration and usage
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_UNREADABLE: 'CONFIG_UNREADABLE',
  USAGE: 'USAGE',
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  FILE_UNREADABLE: 'FILE_UNREADABLE',
  // records and schemas
  SCHEMA_UNKNOWN_FINGERPRINT: 'SCHEMA_UNKNOWN_FINGERPRINT',
  SCHEMA_BAD_MAGIC: 'SCHEMA_BAD_MAGIC',
  SCHEMA_DECODE_FAILED: 'SCHEMA_DECODE_FAILED',
  RECORD_INVALID: 'RECORD_INVALID',
  SCHEMA_INVALID: 'SCHEMA_INVALID',
  SCHEMA_UNKNOWN_TYPE: 'SCHEMA_UNKNOWN_TYPE',
  SCHEMA_INCOMPATIBLE: 'SCHEMA_INCOMPATIBLE',
  SCHEMA_UNKNOWN_ID: 'SCHEMA_UNKNOWN_ID',
  // schema registry (Confluent wire format)
  SCHEMA_REGISTRY_UNAVAILABLE: 'SCHEMA_REGISTRY_UNAVAILABLE',
  SCHEMA_REGISTRY_AUTH: 'SCHEMA_REGISTRY_AUTH',
  SCHEMA_REGISTRY_INCOMPATIBLE: 'SCHEMA_REGISTRY_INCOMPATIBLE',
  SCHEMA_REGISTRY_FAILED: 'SCHEMA_REGISTRY_FAILED',
  // transport
  TRANSPORT_CLOSED: 'TRANSPORT_CLOSED',
  TOPIC_UNKNOWN: 'TOPIC_UNKNOWN',
  TRANSPORT_UNAVAILABLE: 'TRANSPORT_UNAVAILABLE',
  TRANSPORT_FAILED: 'TRANSPORT_FAILED',
  // teacher
  TEACHER_HTTP: 'TEACHER_HTTP',
  TEACHER_RATE_LIMITED: 'TEACHER_RATE_LIMITED',
  TEACHER_TIMEOUT: 'TEACHER_TIMEOUT',
  TEACHER_BAD_REPLY: 'TEACHER_BAD_REPLY',
  TEACHER_UNAVAILABLE: 'TEACHER_UNAVAILABLE',
  TEACHER_ABORTED: 'TEACHER_ABORTED',
  MODEL_FETCH_FAILED: 'MODEL_FETCH_FAILED',
  /** The server refused the structured-output mode a request asked for (`response_format` json_schema or json_object). */
  TEACHER_FORMAT_UNSUPPORTED: 'TEACHER_FORMAT_UNSUPPORTED',
  // corpus
  MANIFEST_UNKNOWN_VERSION: 'MANIFEST_UNKNOWN_VERSION',
  MANIFEST_CORRUPT: 'MANIFEST_CORRUPT',
  QUERY_FAILED: 'QUERY_FAILED',
  QUERY_NOT_READ_ONLY: 'QUERY_NOT_READ_ONLY',
  CORPUS_LOCKED: 'CORPUS_LOCKED',
  CORPUS_RUN_SEED_MISMATCH: 'CORPUS_RUN_SEED_MISMATCH',
  CORPUS_WRITE_FAILED: 'CORPUS_WRITE_FAILED',
  // dedup
  DEDUP_SNAPSHOT_INVALID: 'DEDUP_SNAPSHOT_INVALID',
  DEDUP_SNAPSHOT_VERSION: 'DEDUP_SNAPSHOT_VERSION',
  DEDUP_SNAPSHOT_MISMATCH: 'DEDUP_SNAPSHOT_MISMATCH',
  DEDUP_INPUT_INVALID: 'DEDUP_INPUT_INVALID',
  // dead letters
  DLQ_LOG_CORRUPT: 'DLQ_LOG_CORRUPT',
  DLQ_REPLAY_LOCKED: 'DLQ_REPLAY_LOCKED',
  // run
  RUN_STALLED: 'RUN_STALLED',
  // trainer
  TRAIN_CORPUS_EMPTY: 'TRAIN_CORPUS_EMPTY',
  TRAIN_CORPUS_TOO_SMALL: 'TRAIN_CORPUS_TOO_SMALL',
  SHARD_MISSING: 'SHARD_MISSING',
  SHARD_CHANGED: 'SHARD_CHANGED',
  CURSOR_INVALID: 'CURSOR_INVALID',
  TOKENIZER_INVALID: 'TOKENIZER_INVALID',
  CHECKPOINT_INVALID: 'CHECKPOINT_INVALID',
  CHECKPOINT_MISMATCH: 'CHECKPOINT_MISMATCH',
  CHECKPOINT_WRITE_FAILED: 'CHECKPOINT_WRITE_FAILED',
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  TENSORFLOW_INSTALL_FAILED: 'TENSORFLOW_INSTALL_FAILED',
  /** A student cannot read a scoring or generation input this long (its continuation exceeds the model's window). */
  STUDENT_INPUT_TOO_LONG: 'STUDENT_INPUT_TOO_LONG',
  /** The machine's memory cannot hold the training run asked for (parameters, gradients, AdamW moments, activations). */
  TRAIN_MEMORY_INSUFFICIENT: 'TRAIN_MEMORY_INSUFFICIENT',
  // evaluation (eval/)
  /** A task file (JSONL in the task format, docs/evaluation.md) has a malformed line; every issue is listed with its line. */
  TASK_INVALID: 'TASK_INVALID',
  /** A public dataset file given to `lamini eval convert` lacks the fields of the layout named by --format. */
  CONVERT_INPUT_INVALID: 'CONVERT_INPUT_INVALID',
  /** Rows given to appendResults are not valid result rows. */
  RESULTS_INVALID: 'RESULTS_INVALID',
  /** A file under <dataDir>/results/ cannot be read back as result rows. */
  RESULTS_CORRUPT: 'RESULTS_CORRUPT',
  // serve (a student on an OpenAI-compatible endpoint)
  /** A request asks for something this student or server cannot do (logprobs from an encoder-decoder, n > 1). */
  SERVE_UNSUPPORTED: 'SERVE_UNSUPPORTED',
  /** A request's tokens do not fit the student's context window. */
  SERVE_CONTEXT_EXCEEDED: 'SERVE_CONTEXT_EXCEEDED',
  // rate (people rating students' answers)
  /** The instructions file for `lamini rate` is missing, empty or has lines that are not instructions. */
  RATE_INSTRUCTIONS_INVALID: 'RATE_INSTRUCTIONS_INVALID',
  /** The answer cache under the data dir does not match the instructions or checkpoints it was made for. */
  RATE_CACHE_MISMATCH: 'RATE_CACHE_MISMATCH',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface LaminiErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class LaminiError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: LaminiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }
}

export function isLaminiError(error: unknown, code?: ErrorCode): error is LaminiError {
  return error instanceof LaminiError && (code === undefined || error.code === code);
}

/** A one-line description of any thrown value, safe to print to a user. */
export function describeError(error: unknown): string {
  if (error instanceof LaminiError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}
