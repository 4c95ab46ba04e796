/**
 * A client of the Confluent Schema Registry REST API, only the calls the Confluent codec needs: check a
 * schema against a subject's latest version, register a schema under a subject (idempotent: the same schema
 * gets its existing id), read and set a subject's compatibility level, fetch a schema by id, list subjects.
 * Global `fetch`, a timeout per request, retries of what may pass (network errors, timeouts, 429, 5xx)
 * through common/retry.ts; every failure is a one-line LaminiError that never holds the password. A
 * SCHEMA_REGISTRY_* failure stops the command, so its line starts with its code (`SCHEMA_REGISTRY_AUTH:
 * schema registry URL: ...`), which is what `lamini` prints.
 */
import { ErrorCodes, LaminiError, type ErrorCode } from '../../common/errors.ts';
import { retry, type RetryHooks, type RetryPolicy } from '../../common/retry.ts';

export interface RegistryClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081` (no credentials in it: config.ts rejects those). */
  url: string;
  username?: string;
  password?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  hooks?: RetryHooks;
}

export const REGISTRY_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 5_000, maxElapsedMs: 30_000 };

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** The registry's compatibility levels (`PUT /config/{subject}`). */
export const COMPATIBILITY_LEVELS = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** What `POST /compatibility/subjects/{s}/versions/latest?verbose=true` said. */
export interface CompatibilityCheck {
  compatible: boolean;
  /** Why not, as the registry words it (registries that ignore `verbose` send none). */
  messages: string[];
}

/** The registry's "subject not found" and "version not found": a subject with nothing to be incompatible with. */
const SUBJECT_NOT_FOUND = 40401;
const VERSION_NOT_FOUND = 40402;
/** "Subject does not have subject-level compatibility configured" (GET /config/{subject}). */
const SUBJECT_LEVEL_NOT_CONFIGURED = 40408;

type Method = 'GET' | 'POST' | 'PUT';

interface CallOptions {
  body?: object;
  /** A 404 with error_code 40403 means this id is unknown (SCHEMA_UNKNOWN_ID). */
  schemaId?: number;
  /** A 404 with one of these error codes is an answer, returned as `{ notFound: code }`. */
  notFound?: readonly number[];
}

/** The registry's error reply: `{"error_code": 40403, "message": "Schema not found"}`. */
interface RegistryErrorBody {
  error_code?: number;
  message?: string;
}

export class RegistryClient {
  readonly url: string;
  readonly #auth: string | undefined;
  readonly #password: string;
  readonly #timeoutMs: number;
  readonly #policy: RetryPolicy;
  readonly #hooks: RetryHooks;

  constructor(options: RegistryClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    const user = options.username ?? '';
    this.#password = options.password ?? '';
    this.#auth = user === '' && this.#password === '' ? undefined : `Basic ${Buffer.from(`${user}:${this.#password}`).toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#policy = options.retry ?? REGISTRY_RETRY_POLICY;
    this.#hooks = options.hooks ?? {};
  }

  /**
   * Whether `schema` could be registered under `subject` now: checked against the subject's latest version
   * under the subject's compatibility level. A subject with no version is compatible (registries answer that
   * either with `is_compatible: true` or with 404 40401/40402; both count).
   */
  async checkCompatibility(subject: string, schema: string): Promise<CompatibilityCheck> {
    const reply = await this.#call('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, {
      body: { schema }, notFound: [SUBJECT_NOT_FOUND, VERSION_NOT_FOUND],
    });
    if (isNotFound(reply)) return { compatible: true, messages: [] };
    const { is_compatible: compatible, messages } = (reply ?? {}) as { is_compatible?: unknown; messages?: unknown };
    if (typeof compatible !== 'boolean') throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `checking ${subject} returned no is_compatible`);
    return { compatible, messages: Array.isArray(messages) ? messages.map(String) : [] };
  }

  /** The compatibility level set on `subject` itself, or undefined when it follows the registry's global one. */
  async compatibility(subject: string): Promise<string | undefined> {
    const reply = await this.#call('GET', `/config/${encodeURIComponent(subject)}`, { notFound: [SUBJECT_NOT_FOUND, SUBJECT_LEVEL_NOT_CONFIGURED] });
    if (isNotFound(reply)) return undefined;
    const level = (reply as { compatibilityLevel?: unknown } | null)?.compatibilityLevel;
    return typeof level === 'string' ? level : undefined;
  }

  /** Sets `subject`'s compatibility level (`PUT /config/{subject}`). */
  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const reply = await this.#call('PUT', `/config/${encodeURIComponent(subject)}`, { body: { compatibility: level } });
    const set = (reply as { compatibility?: unknown } | null)?.compatibility;
    if (set !== level) throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `setting ${subject}'s compatibility to ${level} answered ${JSON.stringify(reply ?? null)}`);
  }

  /** Registers `schema` (Avro, as JSON text) under `subject` and returns its global id. */
  async register(subject: string, schema: string): Promise<number> {
    const reply = await this.#call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { body: { schema } });
    const id = (reply as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `registering ${subject} returned no schema id`);
    return id;
  }

  /** The Avro schema (JSON text) with global id `id`. Throws SCHEMA_UNKNOWN_ID when the registry has none. */
  async schemaById(id: number): Promise<string> {
    const reply = (await this.#call('GET', `/schemas/ids/${id}`, { schemaId: id })) as { schema?: unknown; schemaType?: unknown } | null;
    const type = reply?.schemaType ?? 'AVRO';
    if (type !== 'AVRO') {
      throw new LaminiError(ErrorCodes.SCHEMA_INCOMPATIBLE, `schema id ${id} is a ${String(type)} schema, not Avro`, { details: { id } });
    }
    if (typeof reply?.schema !== 'string') throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `schema id ${id} came back without a schema`);
    return reply.schema;
  }

  /** Every subject the registry holds. */
  async subjects(): Promise<string[]> {
    const reply = await this.#call('GET', '/subjects');
    if (!Array.isArray(reply) || !reply.every((s) => typeof s === 'string')) {
      throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, 'GET /subjects did not return a list of names');
    }
    return reply;
  }

  /** A one-line SCHEMA_REGISTRY_* error about this registry, as the client's own failures are worded. */
  error(code: ErrorCode, what: string): LaminiError {
    return this.#failed(code, what);
  }

  #call(method: Method, path: string, options: CallOptions = {}): Promise<unknown> {
    return retry(() => this.#once(method, path, options), this.#policy, this.#hooks);
  }

  async #once(method: Method, path: string, { body, schemaId, notFound = [] }: CallOptions): Promise<unknown> {
    const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
    if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
    if (this.#auth !== undefined) headers['authorization'] = this.#auth;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.url}${path}`, {
        method, headers, signal: AbortSignal.timeout(this.#timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      text = await response.text();
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      const why = timedOut ? `no reply within ${this.#timeoutMs} ms` : `unreachable (${causeText(cause)})`;
      throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_UNAVAILABLE, `${method} ${path}: ${why}`, true);
    }
    const json = parseJson(text);
    if (response.ok) return json;
    const reply = (json ?? {}) as RegistryErrorBody;
    const said = typeof reply.message === 'string' ? `: ${reply.message}` : '';
    const status = response.status;
    if (status === 404 && typeof reply.error_code === 'number' && notFound.includes(reply.error_code)) return { notFound: reply.error_code };
    // 40403 is the registry's "schema not found"; a bare 404 is a wrong URL, not an unknown id.
    if (schemaId !== undefined && status === 404 && reply.error_code === 40403) {
      throw new LaminiError(ErrorCodes.SCHEMA_UNKNOWN_ID, `the schema registry has no schema with id ${schemaId}`, { details: { id: schemaId } });
    }
    if (status === 429 || status >= 500) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const failure = this.#failed(ErrorCodes.SCHEMA_REGISTRY_UNAVAILABLE, `${method} ${path} answered ${status}${said}`, true);
      if (Number.isFinite(retryAfter) && retryAfter > 0) failure.details['retryAfterMs'] = retryAfter * 1000;
      throw failure;
    }
    if (status === 401 || status === 403) {
      const failure = this.#failed(ErrorCodes.SCHEMA_REGISTRY_AUTH, `${method} ${path} answered ${status}: check kafka.schemaRegistryUser and LAMINI_SCHEMA_REGISTRY_PASSWORD`);
      failure.details['status'] = status;
      throw failure;
    }
    if (status === 409) throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_INCOMPATIBLE, `${method} ${path} refused the schema as incompatible${said}`);
    throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `${method} ${path} answered ${status}${said}`);
  }

  /** A one-line error naming its code and the registry, with the password (should a server echo it) removed. */
  #failed(code: ErrorCode, what: string, retriable = false): LaminiError {
    let line = `${code}: schema registry ${this.url}: ${what}`.replace(/\s+/g, ' ').slice(0, 600);
    if (this.#password !== '') line = line.split(this.#password).join('[redacted]');
    return new LaminiError(code, line, { retriable, details: { url: this.url } });
  }
}

function isNotFound(reply: unknown): reply is { notFound: number } {
  return typeof reply === 'object' && reply !== null && typeof (reply as { notFound?: unknown }).notFound === 'number';
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The innermost cause of a fetch failure (undici wraps ECONNREFUSED and friends in `cause`). */
function causeText(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause !== undefined) e = e.cause;
  if (e instanceof Error) return (e as Error & { code?: string }).code ?? e.message.split('\n')[0] ?? 'error';
  return String(e);
}
