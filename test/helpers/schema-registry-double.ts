/**
 * A test double of a Confluent Schema Registry: a node:http server on 127.0.0.1 (port 0) answering only the
 * REST calls lamini makes, with the reply shapes and error codes of Confluent's Schema Registry:
 *   POST /compatibility/subjects/{s}/versions/latest[?verbose=true]  {"schema": "..."}
 *        -> {"is_compatible": bool} (with "messages": [...] when verbose and not compatible), checked against
 *           the subject's latest version under the subject's level; 404 {"error_code": 40401} for a subject
 *           that does not exist (the answer of Confluent releases that look the subject up first; newer ones
 *           say is_compatible true; lamini takes both as "nothing to be incompatible with")
 *   POST /subjects/{s}/versions  {"schema": "..."} -> {"id": N}  (a schema the subject holds already: its id,
 *        no check; same schema under another subject: the same global id; 409 when the subject's level
 *        refuses it; 422 42201 when it is not a schema)
 *   GET  /config/{s}             -> {"compatibilityLevel": L}, or 404 40408 when the subject has no level of
 *                                   its own (it follows the global one, BACKWARD)
 *   PUT  /config/{s}  {"compatibility": L} -> {"compatibility": L}; 422 42203 for an unknown level
 *   GET  /schemas/ids/{id}       -> {"schema": "..."}  or 404 {"error_code": 40403}
 *   GET  /subjects               -> ["subject", ...]
 *   GET  /subjects/{s}/versions  -> [1, 2, ...]
 * Compatibility per subject, as the registry defines its levels, decided with avsc's resolver (a reader
 * schema resolves a writer schema, or not): BACKWARD (the new schema reads the latest version's data),
 * FORWARD (the latest reads the new one's), FULL (both), their _TRANSITIVE forms (against every version,
 * not only the latest) and NONE. With `username`/`password` it asks for HTTP basic auth (401 otherwise);
 * `readOnlyConfig` answers 403 to PUT /config (credentials that may register but not configure). Faults on
 * demand: the next N requests answered with a status, or left hanging. Every request is recorded.
 *
 * A double, not a real registry: no real registry installs from the package registries this project can
 * reach (docs/decisions/0007-confluent-wire-format.md). What it cannot show: a real registry's schema
 * canonicalisation and the corner cases of its own Avro compatibility checker.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import avsc from 'avsc';
import { readJson, sendJson } from '../../teacher/local/wire.ts';

export interface SchemaRegistryDoubleOptions {
  username?: string;
  password?: string;
  /** The first id handed out (default 1); a large one shows ids are read as 32-bit big-endian. */
  firstId?: number;
  /** PUT /config/{subject} answers 403, as to credentials that may register schemas but not set levels. */
  readOnlyConfig?: boolean;
}

export const COMPATIBILITY_LEVELS = [
  'NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE',
] as const;
export type DoubleCompatibility = (typeof COMPATIBILITY_LEVELS)[number];
/** The registry's global level when a subject has none of its own. */
export const GLOBAL_COMPATIBILITY: DoubleCompatibility = 'BACKWARD';

export interface RecordedRegistryRequest {
  method: string;
  path: string;
  status: number;
}

export interface SchemaRegistryDouble {
  url: string;
  requests: RecordedRegistryRequest[];
  /** Subjects and the ids of their versions, oldest first. */
  subjects(): Map<string, number[]>;
  /** Adds a schema (JSON text) under `subject` as the registry would (another producer); returns its id. */
  register(subject: string, schema: string): number;
  /** The level set on `subject` itself (undefined: the global BACKWARD). */
  compatibility(subject: string): DoubleCompatibility | undefined;
  /** Sets `subject`'s level, as an administrator would. */
  setCompatibility(subject: string, level: DoubleCompatibility): void;
  /** The next `count` requests get `status` (a 5xx or 429 is what a client should retry). */
  failNext(count: number, status: number): void;
  /** The next `count` requests are accepted and never answered (until close). */
  hangNext(count: number): void;
  close(): Promise<void>;
}

const error = (res: ServerResponse, status: number, code: number, message: string): void =>
  sendJson(res, status, { error_code: code, message });

export async function startSchemaRegistryDouble(options: SchemaRegistryDoubleOptions = {}): Promise<SchemaRegistryDouble> {
  const ids = new Map<string, number>();
  const schemas = new Map<number, string>();
  const subjects = new Map<string, number[]>();
  const levels = new Map<string, DoubleCompatibility>();
  const requests: RecordedRegistryRequest[] = [];
  const sockets = new Set<Socket>();
  let nextId = options.firstId ?? 1;
  let faults: Array<number | 'hang'> = [];
  const auth = options.username === undefined && options.password === undefined
    ? undefined
    : `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;

  /** Why `type` may not follow `versions` (oldest first) under `level`, or undefined when it may. */
  const refusal = (type: avsc.Type, versions: readonly number[], level: DoubleCompatibility): string | undefined => {
    if (level === 'NONE' || versions.length === 0) return undefined;
    const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
    const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
    const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
    for (const id of [...against].reverse()) {
      const old = avsc.Type.forSchema(JSON.parse(schemas.get(id)!) as avsc.Schema);
      if (backward) {
        const why = resolveError(type, old);
        if (why !== undefined) return `${level}: the new schema cannot read data written with schema id ${id} (${why})`;
      }
      if (forward) {
        const why = resolveError(old, type);
        if (why !== undefined) return `${level}: schema id ${id} cannot read data written with the new schema (${why})`;
      }
    }
    return undefined;
  };
  const levelOf = (subject: string): DoubleCompatibility => levels.get(subject) ?? GLOBAL_COMPATIBILITY;
  const parse = (text: string): avsc.Type | { status: number; code: number; message: string } => {
    try {
      return avsc.Type.forSchema(JSON.parse(text) as avsc.Schema);
    } catch (cause) {
      return { status: 422, code: 42201, message: `Invalid schema: ${(cause as Error).message}` };
    }
  };

  /** Registers, or says why not: the registry's 422 (not a schema) and 409 (refused by the subject's level). */
  const add = (subject: string, text: string): { id: number } | { status: number; code: number; message: string } => {
    const type = parse(text);
    if (!(type instanceof avsc.Type)) return type;
    const key = JSON.stringify(JSON.parse(text));
    const versions = subjects.get(subject) ?? [];
    const known = ids.get(key);
    if (known !== undefined && versions.includes(known)) return { id: known };
    const why = refusal(type, versions, levelOf(subject));
    if (why !== undefined) {
      return { status: 409, code: 409, message: `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${why}` };
    }
    const id = known ?? nextId++;
    ids.set(key, id);
    schemas.set(id, text);
    subjects.set(subject, [...versions, id]);
    return { id };
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'POST' && parts.length === 5 && parts[0] === 'compatibility' && parts[1] === 'subjects' && parts[3] === 'versions' && parts[4] === 'latest') {
      const body = (await readJson(req)) as { schema?: unknown } | undefined;
      if (typeof body?.schema !== 'string') return error(res, 422, 42201, 'Invalid schema: no "schema" string');
      const versions = subjects.get(parts[2]!);
      if (versions === undefined) return error(res, 404, 40401, `Subject '${parts[2]}' not found.`);
      const type = parse(body.schema);
      if (!(type instanceof avsc.Type)) return error(res, type.status, type.code, type.message);
      // Against the latest version only, under the subject's level (its direction; _TRANSITIVE is for register).
      const why = refusal(type, versions.slice(-1), levelOf(parts[2]!).replace('_TRANSITIVE', '') as DoubleCompatibility);
      const verbose = query.get('verbose') === 'true';
      return sendJson(res, 200, why === undefined ? { is_compatible: true } : { is_compatible: false, ...(verbose ? { messages: [why] } : {}) });
    }
    if (parts.length === 2 && parts[0] === 'config' && req.method === 'GET') {
      const level = levels.get(parts[1]!);
      return level === undefined
        ? error(res, 404, 40408, `Subject '${parts[1]}' does not have subject-level compatibility configured`)
        : sendJson(res, 200, { compatibilityLevel: level });
    }
    if (parts.length === 2 && parts[0] === 'config' && req.method === 'PUT') {
      if (options.readOnlyConfig === true) return error(res, 403, 40301, 'User is denied operation Write on Subject');
      const body = (await readJson(req)) as { compatibility?: unknown } | undefined;
      const level = body?.compatibility;
      if (!(COMPATIBILITY_LEVELS as readonly unknown[]).includes(level)) return error(res, 422, 42203, 'Invalid compatibility level');
      levels.set(parts[1]!, level as DoubleCompatibility);
      return sendJson(res, 200, { compatibility: level });
    }
    if (req.method === 'POST' && parts.length === 3 && parts[0] === 'subjects' && parts[2] === 'versions') {
      const body = (await readJson(req)) as { schema?: unknown } | undefined;
      if (typeof body?.schema !== 'string') return error(res, 422, 42201, 'Invalid schema: no "schema" string');
      const result = add(parts[1]!, body.schema);
      return 'id' in result ? sendJson(res, 200, result) : error(res, result.status, result.code, result.message);
    }
    if (req.method === 'GET' && parts.length === 3 && parts[0] === 'schemas' && parts[1] === 'ids') {
      const schema = schemas.get(Number(parts[2]));
      return schema === undefined ? error(res, 404, 40403, `Schema ${parts[2]} not found`) : sendJson(res, 200, { schema });
    }
    if (req.method === 'GET' && parts.length === 1 && parts[0] === 'subjects') return sendJson(res, 200, [...subjects.keys()]);
    if (req.method === 'GET' && parts.length === 3 && parts[0] === 'subjects' && parts[2] === 'versions') {
      const versions = subjects.get(parts[1]!);
      return versions === undefined
        ? error(res, 404, 40401, `Subject '${parts[1]}' not found.`)
        : sendJson(res, 200, versions.map((_, i) => i + 1));
    }
    return error(res, 404, 404, `HTTP 404 Not Found: ${req.method} ${path}`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const path = url.pathname;
    const record: RecordedRegistryRequest = { method: req.method ?? '', path, status: 0 };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault !== undefined) return error(res, fault, fault * 100 + 1, `injected ${fault}`);
    if (auth !== undefined && req.headers.authorization !== auth) return error(res, 401, 401, 'Unauthorized');
    route(req, res, path, url.searchParams).catch((cause: unknown) => error(res, 500, 50001, `double failed: ${String(cause)}`));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    subjects: () => new Map(subjects),
    register(subject, schema) {
      const result = add(subject, schema);
      if (!('id' in result)) throw new Error(result.message);
      return result.id;
    },
    compatibility: (subject) => levels.get(subject),
    setCompatibility(subject, level) {
      levels.set(subject, level);
    },
    failNext(count, status) {
      faults.push(...Array.from({ length: count }, () => status));
    },
    hangNext(count) {
      faults.push(...Array.from({ length: count }, () => 'hang' as const));
    },
    close: () =>
      new Promise<void>((resolve) => {
        faults = [];
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** avsc's reason a reader cannot resolve a writer, or undefined when it can. */
function resolveError(reader: avsc.Type, writer: avsc.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (cause) {
    return (cause as Error).message.split('\n')[0];
  }
}
