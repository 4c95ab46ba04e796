/** Metrics (Prometheus, `--metrics-port`) and logs (`--log-format text|json`) of the long-running commands. */
export { Metrics, observedTeachers } from './metrics.ts';
export { serveMetrics, type ServedMetrics } from './serve.ts';
export { startMetricsServer, METRICS_HOST, METRICS_PATH, type MetricsServer } from './metrics-server.ts';
export { meteredTransport } from './opened.ts';
export { MeteredTransport, OUTPUT_TOPICS } from './transport.ts';
export { PipelineMetrics, type QueueDepthSource } from './pipeline-metrics.ts';
export { TeacherMetrics, MeteredTeacher, LATENCY_BUCKETS } from './teacher-metrics.ts';
export { TrainMetrics } from './train-metrics.ts';
export { createRegistry, METRIC_PREFIX } from './registry.ts';
export {
  environmentSecrets, isLogFormat, jsonLogger, logLine, LOG_FORMATS, scrubLine, textLogger,
  type JsonLoggerOptions, type LogFields, type LogFormat, type Logger,
} from './log.ts';
