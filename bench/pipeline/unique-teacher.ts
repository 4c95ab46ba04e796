/**
 * A scripted teacher for pipeline benchmarks: every generated instruction gets six words of its own (a hash of
 * prompt and item), so dedup keeps most of them and a run measures the pipeline, not the scripted teacher's
 * small vocabulary (its plain default repeats itself after a few thousand instructions and dedup drops them).
 */
import { createHash } from 'node:crypto';
import { startScriptedTeacher, type ScriptedTeacher, type ScriptedTeacherOptions } from '../../test/helpers/scripted-teacher.ts';

export function startUniqueTeacher(options: Omit<ScriptedTeacherOptions, 'script'> = {}): Promise<ScriptedTeacher> {
  return startScriptedTeacher({
    ...options,
    script: (ctx) => {
      const step = ctx.fallback();
      if (step.kind !== 'reply' || !(step.text.includes('<example>') || step.text.startsWith('{"instructions"'))) return step;
      const prompt = ctx.request.messages.map((m) => m.content).join('\n');
      const unique = (text: string, i: number): string => {
        const h = createHash('sha256').update(prompt).update(String(i)).digest('hex');
        return `${text.replace(/\.$/, '')} ${Array.from({ length: 6 }, (_, j) => `w${h.slice(j * 5, j * 5 + 5)}`).join(' ')}.`;
      };
      if (step.text.trimStart().startsWith('{')) {
        const body = JSON.parse(step.text) as { instructions: string[] };
        return { kind: 'reply', text: JSON.stringify({ instructions: body.instructions.map(unique) }) };
      }
      let i = 0;
      return { kind: 'reply', text: step.text.replace(/<example>(.*?)<\/example>/g, (_, t: string) => `<example>${unique(t, i++)}</example>`) };
    },
  });
}
