/**
 * A checkpoint as a ServedStudent: the trainers' StudentModel for generation, and for a decoder-only student a
 * token scorer over the same folder, loaded on the first request that asks for logprobs (a server only chatting
 * never holds the weights twice).
 */
import { openStudent, type OpenStudentOptions, type StudentModel } from '../trainers/student-model/index.ts';
import { Gpt2Scorer } from './gpt2-scorer.ts';
import type { SequenceScores, ServedStudent, TokenScorer } from './student.ts';

export async function openServedStudent(where: string, options: OpenStudentOptions = {}): Promise<ServedStudent> {
  return servedStudent(await openStudent(where, options));
}

export function servedStudent(student: StudentModel): ServedStudent {
  const scorer = student.family === 'decoder-only' ? new LazyGpt2Scorer(student.dir, student.maxContextTokens) : undefined;
  return {
    name: student.name,
    family: student.family,
    maxContextTokens: student.maxContextTokens,
    tokenizer: student.tokenizer,
    scorer,
    generate: (prompt, options) => student.generate(prompt, options),
    dispose() {
      scorer?.dispose();
      student.dispose();
    },
  };
}

class LazyGpt2Scorer implements TokenScorer {
  readonly context: number;
  private readonly dir: string;
  private loaded: Promise<Gpt2Scorer> | undefined;

  constructor(dir: string, context: number) {
    this.dir = dir;
    this.context = context;
  }

  async scoreTokens(ids: readonly number[], topK: number): Promise<SequenceScores> {
    this.loaded ??= Gpt2Scorer.open(this.dir);
    return (await this.loaded).scoreTokens(ids, topK);
  }

  dispose(): void {
    void this.loaded?.then((s) => s.dispose(), () => undefined);
  }
}
