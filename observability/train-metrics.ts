/**
 * Training metrics from the trainer's log entries (trainers/state.ts `LogEntry`, one every `--log-every` steps):
 * loss, evaluation loss, tokens per second, learning rate, step and examples, labelled with the student model.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LogEntry } from '../trainers/state.ts';

export class TrainMetrics {
  readonly #model: string;
  readonly #loss: Gauge<'model'>;
  readonly #evalLoss: Gauge<'model'>;
  readonly #tokensPerSecond: Gauge<'model'>;
  readonly #lr: Gauge<'model'>;
  readonly #step: Gauge<'model'>;
  readonly #epoch: Gauge<'model'>;
  readonly #examples: Counter<'model'>;
  #examplesSeen = 0;

  /** `model`: the student's preset (or the checkpoint it started from). */
  constructor(registry: Registry, model: string) {
    const registers = [registry];
    const labelNames = ['model'] as const;
    this.#model = model;
    this.#loss = new Gauge({ name: 'lamini_train_loss', help: 'Training loss at the last logged step (nats per response token).', labelNames, registers });
    this.#evalLoss = new Gauge({ name: 'lamini_train_eval_loss', help: 'Evaluation loss at the last evaluation (nats per response token).', labelNames, registers });
    this.#tokensPerSecond = new Gauge({ name: 'lamini_train_tokens_per_second', help: 'Training throughput at the last logged step.', labelNames, registers });
    this.#lr = new Gauge({ name: 'lamini_train_learning_rate', help: 'Learning rate at the last logged step.', labelNames, registers });
    this.#step = new Gauge({ name: 'lamini_train_step', help: 'Optimizer steps taken.', labelNames, registers });
    this.#epoch = new Gauge({ name: 'lamini_train_epoch', help: 'Passes over the corpus begun.', labelNames, registers });
    this.#examples = new Counter({ name: 'lamini_train_examples_total', help: 'Examples trained on.', labelNames, registers });
  }

  log(entry: LogEntry): void {
    const labels = { model: this.#model };
    if (entry.loss !== undefined) this.#loss.set(labels, entry.loss);
    if (entry.eval_loss !== undefined) this.#evalLoss.set(labels, entry.eval_loss);
    this.#tokensPerSecond.set(labels, entry.tokens_per_second);
    this.#lr.set(labels, entry.lr);
    this.#step.set(labels, entry.step);
    this.#epoch.set(labels, entry.epoch);
    if (entry.examples > this.#examplesSeen) {
      this.#examples.inc(labels, entry.examples - this.#examplesSeen);
      this.#examplesSeen = entry.examples;
    }
  }
}
