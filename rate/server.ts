/**
 * The rating page's server, on loopback:
 *
 *   GET  /                          the page (page.ts)
 *   GET  /api/session               {rater, set, items, start (first unrated item, 0-based), progress}
 *   GET  /api/items/N               item N (0-based) with its answers by slot (generated if missing)
 *   POST /api/items/N/rate          {"slot", "grade": "A".."D"} → the item again, the rating recorded
 *
 * Errors are `{"error": message}` with 400 (the request's fault), 404 (no such route) or 500.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describeError, ErrorCodes, isLaminiError } from '../common/errors.ts';
import { readJson, sendJson } from '../teacher/local/wire.ts';
import { isGrade } from './grades.ts';
import { ratePage } from './page.ts';
import type { RatingSession } from './session.ts';

export interface RateServerOptions {
  session: RatingSession;
  rater: string;
  setName: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
}

export interface RateServerHandle {
  url: string;
  close(): Promise<void>;
}

export async function startRateServer(o: RateServerOptions): Promise<RateServerHandle> {
  const sockets = new Set<Socket>();
  const page = ratePage();
  const server: Server = createServer((req, res) => {
    void route(req, res, o, page).catch((error: unknown) => {
      const known = isLaminiError(error, ErrorCodes.USAGE);
      if (!known) o.log?.(`rate: ${describeError(error)}`);
      if (!res.headersSent) sendJson(res, known ? 400 : 500, { error: known ? error.message : describeError(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

const ITEM = /^\/api\/items\/(\d+)$/;
const RATE = /^\/api\/items\/(\d+)\/rate$/;

async function route(req: IncomingMessage, res: ServerResponse, o: RateServerOptions, page: string): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  if (method === 'GET' && (path === '/' || path === '/index.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(page) });
    res.end(page);
    return;
  }
  if (method === 'GET' && path === '/api/session') {
    return sendJson(res, 200, { rater: o.rater, set: o.setName, items: o.session.itemCount, start: o.session.firstUnrated(), progress: o.session.progress() });
  }
  const item = ITEM.exec(path);
  if (method === 'GET' && item !== null) return sendJson(res, 200, await o.session.item(Number(item[1])));
  const rate = RATE.exec(path);
  if (method === 'POST' && rate !== null) {
    const body = await readJson(req, 64 * 1024);
    const fields = typeof body === 'object' && body !== null ? new Map<string, unknown>(Object.entries(body)) : new Map<string, unknown>();
    const slot = fields.get('slot');
    const grade = fields.get('grade');
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0) return sendJson(res, 400, { error: 'slot: expected an integer >= 0' });
    if (!isGrade(grade)) return sendJson(res, 400, { error: 'grade: expected A, B, C or D' });
    return sendJson(res, 200, await o.session.rate(Number(rate[1]), slot, grade));
  }
  sendJson(res, 404, { error: `no route ${method} ${path}` });
}
