/**
 * The metrics of one `lamini` process: its registry, and the groups of metrics a command uses, each registered
 * on first use (so `lamini train` shows no pipeline metrics, and `lamini operator dedup` no teacher ones).
 */
import type { Registry } from 'prom-client';
import type { Teacher } from '../teacher/types.ts';
import { PipelineMetrics } from './pipeline-metrics.ts';
import { createRegistry } from './registry.ts';
import { TeacherMetrics } from './teacher-metrics.ts';
import { TrainMetrics } from './train-metrics.ts';

export class Metrics {
  readonly registry: Registry = createRegistry();
  #pipeline: PipelineMetrics | undefined;
  #teacher: TeacherMetrics | undefined;
  #train: TrainMetrics | undefined;

  get pipeline(): PipelineMetrics {
    this.#pipeline ??= new PipelineMetrics(this.registry);
    return this.#pipeline;
  }

  get teacher(): TeacherMetrics {
    this.#teacher ??= new TeacherMetrics(this.registry);
    return this.#teacher;
  }

  /** The training metrics, labelled `model` (the first call names it). */
  train(model: string): TrainMetrics {
    this.#train ??= new TrainMetrics(this.registry, model);
    return this.#train;
  }
}

/** A command's two teachers (instructions, responses), observed when it has metrics; as they are otherwise. */
export function observedTeachers(metrics: Metrics | undefined, roles: { teacher: Teacher; responseTeacher: Teacher }): { teacher: Teacher; responseTeacher: Teacher } {
  return metrics === undefined ? { teacher: roles.teacher, responseTeacher: roles.responseTeacher } : metrics.teacher.wrapRoles(roles);
}
