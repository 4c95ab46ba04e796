/**
 * The teacher of a run: the configured OpenAI-compatible server, or — with no base URL — the local
 * teacher started in this process. Returns the config the run should use (the local teacher serves one
 * request at a time, so more than two in flight only queue).
 */
import type { Config } from '../../common/config.ts';
import { createTeacher, teacherConfigFromAppConfig, type Teacher } from '../../teacher/index.ts';

export interface RunTeacher {
  teacher: Teacher;
  config: Config;
  close(): Promise<void>;
}

export async function openTeacher(config: Config, log: (line: string) => void): Promise<RunTeacher> {
  const local = config.teacher.baseUrl === '';
  if (local) log('teacher: starting the local teacher (set OPENAI_BASE_URL or --teacher-url to use another)');
  const teacher = await createTeacher({
    ...teacherConfigFromAppConfig(config.teacher),
    ...(config.teacher.structuredOutput === 'tags' ? { structuredOutput: false } : {}),
    local: { log },
  });
  const runConfig: Config = local
    ? { ...config, teacher: { ...config.teacher, concurrency: Math.min(config.teacher.concurrency, 2) } }
    : config;
  return { teacher, config: runConfig, close: () => teacher.close() };
}
