/**
 * The Prometheus registry of one `lamini` process: every metric is registered here (never in prom-client's
 * global registry), with the Node process metrics under the same `lamini_` prefix. A command creates one when
 * given `--metrics-port` and serves it with `startMetricsServer` (metrics-server.ts).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export const METRIC_PREFIX = 'lamini_';

/** A registry holding the process metrics (`lamini_process_cpu_seconds_total`, `lamini_nodejs_heap_size_used_bytes`, …). */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
