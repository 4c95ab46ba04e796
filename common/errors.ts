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
