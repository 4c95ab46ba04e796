/**
 * A test double of a Confluent Schema Registry: a node:http server on 127.0.0.1 (port 0) answering only the
 * REST calls lamini makes, with the registry's reply shapes and error codes:
 *   POST /subjects/{subject}/versions  {"schema": "..."} -> {"id": N}   (same schema: same global id; 409 when
 *                                      the new schema cannot read the subject's latest one, BACKWARD as default)
 *   GET  /schemas/ids/{id}             -> {"schema": "..."}  or 404 {"error_code": 40403}
 *   GET  /subjects                     -> ["subject", ...]
 *   GET  /subjects/{subject}/versions  -> [1, 2, ...]
 * With `username`/`password` it asks for HTTP basic auth (401 otherwise). Faults on demand: the next N requests
 * answered with a status, or left hanging. Every request is recorded.
 *
 * A double, not a real registry: no real registry installs from the package registries this project can
 * reach (docs/decisions/0007-confluent-wire-format.md).
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
}

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
  /** Adds a schema (JSON text) under `subject` as the registry would; returns its id. */
  register(subject: string, schema: string): number;
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
  const requests: RecordedRegistryRequest[] = [];
  const sockets = new Set<Socket>();
  let nextId = options.firstId ?? 1;
  let faults: Array<number | 'hang'> = [];
  const auth = options.username === undefined && options.password === undefined
    ? undefined
    : `Basic ${Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`).toString('base64')}`;

  /** Registers, or says why not: the registry's 422 (not a schema) and 409 (not BACKWARD compatible). */
  const add = (subject: string, text: string): { id: number } | { status: number; code: number; message: string } => {
    let type: avsc.Type;
    try {
      type = avsc.Type.forSchema(JSON.parse(text) as avsc.Schema);
    } catch (cause) {
      return { status: 422, code: 42201, message: `Invalid schema: ${(cause as Error).message}` };
    }
    const key = JSON.stringify(JSON.parse(text));
    const versions = subjects.get(subject) ?? [];
    const known = ids.get(key);
    if (known !== undefined && versions.includes(known)) return { id: known };
    const latest = versions.at(-1);
    if (latest !== undefined) {
      try {
        type.createResolver(avsc.Type.forSchema(JSON.parse(schemas.get(latest)!) as avsc.Schema));
      } catch {
        return { status: 409, code: 409, message: `Schema being registered is incompatible with an earlier schema for subject "${subject}"` };
      }
    }
    const id = known ?? nextId++;
    ids.set(key, id);
    schemas.set(id, text);
    subjects.set(subject, [...versions, id]);
    return { id };
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
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
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const record: RecordedRegistryRequest = { method: req.method ?? '', path, status: 0 };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault !== undefined) return error(res, fault, fault * 100 + 1, `injected ${fault}`);
    if (auth !== undefined && req.headers.authorization !== auth) return error(res, 401, 401, 'Unauthorized');
    route(req, res, path).catch((cause: unknown) => error(res, 500, 50001, `double failed: ${String(cause)}`));
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
