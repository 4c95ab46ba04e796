/**
 * A client of the Confluent Schema Registry REST API, only the calls the Confluent codec needs: register a
 * schema under a subject (idempotent: the same schema gets its existing id), fetch a schema by id, list
 * subjects. Global `fetch`, a timeout per request, retries of what may pass (network errors, timeouts,
 * 429, 5xx) through common/retry.ts; every failure is a one-line LaminiError that never holds the password.
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

  /** Registers `schema` (Avro, as JSON text) under `subject` and returns its global id. */
  async register(subject: string, schema: string): Promise<number> {
    const reply = await this.#call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    const id = (reply as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id)) throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `registering ${subject} returned no schema id`);
    return id;
  }

  /** The Avro schema (JSON text) with global id `id`. Throws SCHEMA_UNKNOWN_ID when the registry has none. */
  async schemaById(id: number): Promise<string> {
    const reply = (await this.#call('GET', `/schemas/ids/${id}`, undefined, id)) as { schema?: unknown; schemaType?: unknown } | null;
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

  #call(method: 'GET' | 'POST', path: string, body?: object, schemaId?: number): Promise<unknown> {
    return retry(() => this.#once(method, path, body, schemaId), this.#policy, this.#hooks);
  }

  async #once(method: 'GET' | 'POST', path: string, body: object | undefined, schemaId: number | undefined): Promise<unknown> {
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
      throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_AUTH, `${method} ${path} answered ${status}: check kafka.schemaRegistryUser and LAMINI_SCHEMA_REGISTRY_PASSWORD`);
    }
    if (status === 409) throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_INCOMPATIBLE, `${method} ${path} refused the schema as incompatible${said}`);
    throw this.#failed(ErrorCodes.SCHEMA_REGISTRY_FAILED, `${method} ${path} answered ${status}${said}`);
  }

  /** A one-line error naming the registry, with the password (should a server echo it) removed. */
  #failed(code: ErrorCode, what: string, retriable = false): LaminiError {
    let line = `schema registry ${this.url}: ${what}`.replace(/\s+/g, ' ').slice(0, 400);
    if (this.#password !== '') line = line.split(this.#password).join('[redacted]');
    return new LaminiError(code, line, { retriable, details: { url: this.url } });
  }
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
