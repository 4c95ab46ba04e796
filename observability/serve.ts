/**
 * What a command does with `--metrics-port`: nothing without it; with it, a `Metrics` and its endpoint,
 * announced in one log line (`metrics: serving http://127.0.0.1:PORT/metrics`, with `url` and `port` fields).
 */
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import { startMetricsServer } from './metrics-server.ts';

export interface ServedMetrics {
  /** Undefined without `--metrics-port`: the command records nothing. */
  metrics: Metrics | undefined;
  close(): Promise<void>;
}

export async function serveMetrics(port: number | undefined, logger: Logger): Promise<ServedMetrics> {
  if (port === undefined) return { metrics: undefined, close: async () => {} };
  const metrics = new Metrics();
  const server = await startMetricsServer(metrics.registry, port);
  logger.info(`metrics: serving ${server.url}`, { url: server.url, port: server.port });
  return { metrics, close: () => server.close() };
}
