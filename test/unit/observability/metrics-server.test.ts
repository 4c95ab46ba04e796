/** The endpoint: GET /metrics on 127.0.0.1 in Prometheus' text format, 404 elsewhere, a port in use a usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { Metrics } from '../../../observability/metrics.ts';
import { startMetricsServer } from '../../../observability/metrics-server.ts';

test('serves the registry at /metrics, 404 elsewhere; a port in use is a one-line usage error', async () => {
  const metrics = new Metrics();
  metrics.train('tiny').log({ step: 3, loss: 2.5, lr: 1e-3, grad_norm: 1, tokens_per_second: 50, examples: 12, epoch: 0, time: '' });
  const server = await startMetricsServer(metrics.registry, 0);
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^lamini_train_loss\{model="tiny"\} 2\.5$/m);
    assert.equal((await fetch(server.url.replace('/metrics', '/'))).status, 404);
    await assert.rejects(startMetricsServer(metrics.registry, server.port), (e) =>
      e instanceof LaminiError && e.code === ErrorCodes.USAGE && e.message === `--metrics-port ${server.port}: 127.0.0.1:${server.port} is in use`);
  } finally {
    await server.close();
  }
});
