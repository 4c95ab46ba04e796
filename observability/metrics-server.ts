/**
 * The `/metrics` endpoint: a small node:http server on 127.0.0.1 that answers `GET /metrics` with the registry
 * in Prometheus' text format and everything else with 404. Port 0 takes a free port (the handle says which).
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { LaminiError, ErrorCodes } from '../common/errors.ts';

export const METRICS_HOST = '127.0.0.1';
export const METRICS_PATH = '/metrics';

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${METRICS_PATH} serves the metrics\n`);
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await listen(server, port);
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    port: bound,
    url: `http://${METRICS_HOST}:${bound}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be opened (${error.code ?? error.message})`;
      reject(new LaminiError(ErrorCodes.USAGE, `--metrics-port ${port}: ${METRICS_HOST}:${port} ${why}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
