/**
 * An opened transport (streams/open.ts) whose traffic the pipeline metrics count (observability/transport.ts),
 * with the queue depth of every operator read at scrape time: the embedded transport's in-memory queues, or the
 * consumer groups' lag on Kafka through the admin API (at most every 10 s; the last figures while a broker does
 * not answer).
 */
import { operatorLag, OPERATOR_INPUTS } from '../pipeline/lag.ts';
import type { KafkaSettings } from '../streams/kafka/settings.ts';
import type { OpenedTransport } from '../streams/open.ts';
import type { Metrics } from './metrics.ts';
import { MeteredTransport } from './transport.ts';

export const LAG_REFRESH_MS = 10_000;

export function meteredTransport(opened: OpenedTransport, metrics: Metrics | undefined): OpenedTransport {
  if (metrics === undefined) return opened;
  const pipeline = metrics.pipeline;
  const transport = new MeteredTransport(opened.transport, { metrics: pipeline, codec: opened.codec, topicName: opened.topicName });
  const depth = transport.queueDepth;
  if (depth !== undefined) {
    pipeline.queueDepth(() => new Map(OPERATOR_INPUTS.map(({ operator }) => [operator, depth(operator)])));
  } else if (opened.kafka !== undefined) {
    pipeline.queueDepth(kafkaLag(opened.kafka));
  }
  return { ...opened, transport };
}

/** Each operator group's lag, read at most every LAG_REFRESH_MS. */
function kafkaLag(settings: KafkaSettings, now: () => number = Date.now): () => Promise<ReadonlyMap<string, number>> {
  let last: ReadonlyMap<string, number> = new Map();
  let readAt = Number.NEGATIVE_INFINITY;
  return async () => {
    if (now() - readAt < LAG_REFRESH_MS) return last;
    readAt = now();
    try {
      const lag = await operatorLag(settings, 5_000);
      last = new Map(lag.operators.map((g) => [g.operator, g.lag]));
    } catch {
      // A broker that does not answer: keep the last figures; the run logs the outage itself.
    }
    return last;
  };
}
