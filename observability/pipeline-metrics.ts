/**
 * Pipeline metrics: records in and out per operator, what waits in front of each, dropped records and dead
 * letters by reason (counted as they pass the transport: observability/transport.ts), and the run's progress
 * (committed, pending, tasks) from the `onProgress` callback of `lamini run`.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunProgress } from '../pipeline/progress.ts';

/** What waits in front of each operator, read at scrape time (embedded queues, or Kafka group lag). */
export type QueueDepthSource = () => Promise<ReadonlyMap<string, number>> | ReadonlyMap<string, number>;

export class PipelineMetrics {
  readonly recordsIn: Counter<'operator'>;
  readonly recordsOut: Counter<'operator'>;
  readonly dropped: Counter<'reason'>;
  readonly deadLetters: Counter<'operator' | 'reason'>;
  #progress: RunProgress | undefined;
  #queues: QueueDepthSource | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsIn = new Counter({
      name: 'lamini_operator_records_in_total', help: 'Records an operator read from its input topics.', labelNames: ['operator'], registers,
    });
    this.recordsOut = new Counter({
      name: 'lamini_operator_records_out_total', help: 'Records an operator forwarded to its output topic.', labelNames: ['operator'], registers,
    });
    this.dropped = new Counter({
      name: 'lamini_records_dropped_total', help: 'Records dropped (counted and kept in the dropped topic), by reason.', labelNames: ['reason'], registers,
    });
    this.deadLetters = new Counter({
      name: 'lamini_dead_letters_total', help: 'Dead letters, by the operator that wrote them and reason.', labelNames: ['operator', 'reason'], registers,
    });
    const queues = (): QueueDepthSource | undefined => this.#queues;
    new Gauge({
      name: 'lamini_operator_queue_depth',
      help: 'Messages in an operator\'s input topics its consumer group has not committed (embedded: in memory; Kafka: group lag).',
      labelNames: ['operator'], registers,
      async collect() {
        const source = queues();
        if (source === undefined) return;
        this.reset();
        for (const [operator, depth] of await source()) this.set({ operator }, depth);
      },
    });
    const progress = (): RunProgress | undefined => this.#progress;
    const fromProgress = (name: string, help: string, read: (p: RunProgress) => number): void => {
      const config = { name, help, registers };
      if (name.endsWith('_total')) {
        new Counter({
          ...config, collect() {
            const p = progress();
            if (p === undefined) return;
            this.reset();
            this.inc(read(p));
          },
        });
      } else {
        new Gauge({
          ...config, collect() {
            const p = progress();
            if (p !== undefined) this.set(read(p));
          },
        });
      }
    };
    fromProgress('lamini_run_examples_committed_total', 'Examples this run committed to the corpus.', (p) => p.committed);
    fromProgress('lamini_run_examples_pending', 'Examples made by this run waiting for the next commit.', (p) => p.pending);
    fromProgress('lamini_corpus_examples', 'Examples in the corpus, this run\'s included.', (p) => p.corpusExamples);
    fromProgress('lamini_run_tasks_planned_total', 'Generation tasks this run planned.', (p) => p.tasksPlanned);
    fromProgress('lamini_run_tasks_done_total', 'Generation tasks this run finished.', (p) => p.tasksDone);
  }

  /** The latest progress of `lamini run` (read at scrape time). */
  progress(p: RunProgress): void {
    this.#progress = p;
  }

  /** Where queue depths come from (read at scrape time). */
  queueDepth(source: QueueDepthSource): void {
    this.#queues = source;
  }
}
