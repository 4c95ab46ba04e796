/** Small records for the corpus tests, and a temp data dir per test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeadLetter, Dropped, Example } from '../../../schemas/types.ts';

export async function tempDataDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lamini-corpus-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function example(n: number, over: Partial<Example> = {}): Example {
  return {
    id: `ex${String(n).padStart(4, '0')}`,
    instruction_id: `in${String(n).padStart(4, '0')}`,
    instruction: `Name ${n} animals that live in the sea.`,
    input: '',
    response: `Whale, shark, octopus (${n}).`,
    instruction_source: n % 2 === 0 ? 'self_instruct_with_topic' : 'generated_p3',
    generation_mode: n % 2 === 0 ? 'topic_guided' : 'example_guided',
    seed_ids: ['s1', 's2', 's3'],
    topics: n % 2 === 0 ? ['Oceans', 'Animals', 'Biology'] : [],
    teacher_model: 'smollm2-135m-instruct',
    prompt_version: 'v1',
    prompt_tokens: 10,
    completion_tokens: 20,
    cost_usd: 0.001,
    task_number: n,
    task_outputs: 1,
    created_at: Date.UTC(2025, 0, 2, 3, 4, 5, n),
    ...over,
  };
}

export function dropped(n: number, over: Partial<Dropped> = {}): Dropped {
  return {
    id: `dr${n}`,
    duplicate_of: `in${String(n).padStart(4, '0')}`,
    reason: n % 2 === 0 ? 'exact' : 'minhash',
    instruction: `Name ${n} sea animals.`,
    instruction_source: 'self_instruct_with_topic',
    task_number: n,
    task_outputs: 1,
    created_at: Date.UTC(2025, 0, 2),
    ...over,
  };
}

export function deadLetter(n: number, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: `dl${n}`,
    operator: 'generate',
    reason: 'teacher_no_examples',
    message: 'the teacher wrote no <example> tags',
    source_topic: 'lamini.tasks',
    source_partition: 0,
    source_offset: n,
    payload: new Uint8Array([0, 1, 2, 255, n % 256]),
    task_number: n,
    task_outputs: 1,
    created_at: Date.UTC(2025, 0, 2),
    ...over,
  };
}
