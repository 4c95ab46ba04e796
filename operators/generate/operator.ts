/**
 * generate: a GenerationTask in, instructions out. Seed tasks pass their seed through (no teacher
 * call); example- and topic-guided tasks ask the teacher for new instructions. Every task ends in
 * `task_outputs` terminal records downstream, so the sink can tell when a task is done.
 */
import { describeError } from '../../common/errors.ts';
import { teacherFailureReason } from '../teacher-failure.ts';
import { Topics } from '../../streams/topics.ts';
import type { Dropped, GenerationTask, Seed } from '../../schemas/types.ts';
import type { Teacher } from '../../teacher/types.ts';
import { instructionSource } from '../planner/mix.ts';
import type { DeadLetterDraft, Emission, Operator, OperatorOutput } from '../types.ts';
import { contentId } from '../../common/hash.ts';
import { joinInput, makeInstruction, rejectInstruction, instructionId, type InstructionDraft } from './instruction.ts';
import { compileFilters, type GenerationFilters } from './filters.ts';
import { parseReply } from './parse.ts';
import { INSTRUCTIONS_SCHEMA, generationMessages, templates } from './prompts.ts';

export interface GenerateOptions {
  teacher: Teacher;
  seeds: ReadonlyMap<string, Seed>;
  maxInstructionChars: number;
  temperature: number;
  maxTokens: number;
  /** `auto` asks for JSON when the teacher supports structured output. */
  structuredOutput: 'auto' | 'json' | 'tags';
  /** Switchable filters on generated instructions (all off when absent). */
  filters?: GenerationFilters;
  now?: () => number;
}

export const GENERATE_ID = 'generate';

export function createGenerateOperator(options: GenerateOptions): Operator<GenerationTask> {
  const now = options.now ?? Date.now;
  const filter = options.filters === undefined ? undefined : compileFilters(options.filters);
  const useJson = options.structuredOutput === 'json' ||
    (options.structuredOutput === 'auto' && options.teacher.structuredOutput);

  const dead = (task: GenerationTask, reason: string, message: string, payload: string): DeadLetterDraft =>
    ({ reason, message, payload, taskNumber: task.task_number, taskOutputs: 1 });

  async function process(task: GenerationTask, signal?: AbortSignal): Promise<OperatorOutput> {
    const seeds = task.seed_ids.map((id) => options.seeds.get(id));
    if (seeds.some((s) => s === undefined)) {
      return { emit: [], dead: [dead(task, 'seed_missing', 'a seed of this task is not in the seed pool', JSON.stringify(task))] };
    }
    const found = seeds as Seed[];
    const base = { source: instructionSource(task.mode, task.source), mode: task.mode, task, createdAt: now() };
    if (task.mode === 'seed') {
      const seed = found[0]!;
      const draft: InstructionDraft = {
        ...base, text: joinInput(seed.instruction, seed.input), input: seed.input,
        teacherModel: '', promptTokens: 0, completionTokens: 0, costUsd: 0,
      };
      return finish(task, [draft], [], new Set(), []);
    }
    const t = templates(task.prompt_version);
    const messages = generationMessages(t, {
      examples: found.map((s) => joinInput(s.instruction, s.input)),
      topics: task.topics,
      count: task.count,
      json: useJson,
    });
    let reply;
    try {
      reply = await options.teacher.chat({
        messages,
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        seed: task.task_number,
        taskNumber: task.task_number,
        ...(useJson ? { jsonSchema: INSTRUCTIONS_SCHEMA(task.count) } : {}),
      }, signal);
    } catch (error) {
      const reason = teacherFailureReason(error);
      return { emit: [], dead: [dead(task, reason, describeError(error), JSON.stringify(task))] };
    }
    const truncated = reply.finishReason === 'length';
    const parsed = parseReply(reply.text, { json: useJson, truncated });
    if (parsed.instructions.length === 0) {
      const reason = truncated ? 'teacher_truncated' : parsed.failure === 'bad_json' ? 'teacher_bad_json' : 'teacher_no_examples';
      return { emit: [], dead: [dead(task, reason, `the teacher's reply held no new instructions (${reply.text.length} chars)`, reply.text)] };
    }
    const n = parsed.instructions.length;
    const drafts = parsed.instructions.map((text): InstructionDraft => ({
      ...base, text, input: '', teacherModel: reply.model,
      promptTokens: share(reply.promptTokens, n), completionTokens: share(reply.completionTokens, n), costUsd: reply.costUsd / n,
    }));
    const examples = new Set(found.map((s) => instructionId(joinInput(s.instruction, s.input))));
    return finish(task, drafts, [], examples, parsed.partial ?? []);
  }

  /**
   * `echoes`: ids of the prompt's own examples; a teacher that copies one back has made nothing new.
   * Unusable text is a dead letter; filtered, echoed and repeated instructions are Dropped with their reason,
   * and so is each item the reply left unfinished (`partials`, cut by max_tokens): `incomplete_item`.
   */
  function finish(
    task: GenerationTask, drafts: InstructionDraft[], deadLetters: DeadLetterDraft[], echoes: Set<string>, partials: string[],
  ): OperatorOutput {
    const emit: Emission[] = [];
    const seen = new Map<string, string>();
    const kept: InstructionDraft[] = [];
    const repeats: Dropped[] = [];
    for (const d of drafts) {
      const reason = rejectInstruction(d.text, options.maxInstructionChars);
      if (reason !== undefined) {
        deadLetters.push({ reason, message: `instruction rejected: ${reason} (${d.text.length} chars)`, payload: d.text, taskNumber: task.task_number, taskOutputs: 0 });
        continue;
      }
      const id = instructionId(d.text);
      const filtered = d.mode === 'seed' ? undefined : filter?.(d.text);
      if (filtered !== undefined) {
        repeats.push({
          id: contentId('drop', id, String(task.task_number), String(repeats.length)), duplicate_of: '', reason: filtered,
          instruction: d.text, instruction_source: d.source, task_number: task.task_number, task_outputs: 0, created_at: d.createdAt,
        });
        continue;
      }
      if (seen.has(id) || echoes.has(id)) {
        repeats.push({
          id: contentId('drop', id, String(task.task_number), String(repeats.length)), duplicate_of: id,
          reason: echoes.has(id) ? 'echo_of_example' : 'repeated_in_reply',
          instruction: d.text, instruction_source: d.source, task_number: task.task_number, task_outputs: 0, created_at: d.createdAt,
        });
        continue;
      }
      seen.set(id, d.text);
      kept.push(d);
    }
    const source = instructionSource(task.mode, task.source);
    for (const text of partials) {
      repeats.push({
        id: contentId('drop', 'incomplete', String(task.task_number), String(repeats.length)), duplicate_of: '', reason: 'incomplete_item',
        instruction: text, instruction_source: source, task_number: task.task_number, task_outputs: 0, created_at: now(),
      });
    }
    const outputs = kept.length + repeats.length + deadLetters.length;
    for (const d of kept) {
      const record = makeInstruction(d, outputs);
      emit.push({ topic: Topics.instructionsRaw, type: 'Instruction', key: record.id, record });
    }
    for (const r of repeats) {
      r.task_outputs = outputs;
      emit.push({ topic: Topics.dropped, type: 'Dropped', key: r.id, record: r });
    }
    for (const dl of deadLetters) dl.taskOutputs = outputs;
    return { emit, dead: deadLetters };
  }

  return {
    descriptor: {
      id: GENERATE_ID,
      input: Topics.tasks,
      inputType: 'GenerationTask',
      outputs: [Topics.instructionsRaw, Topics.dropped, Topics.dlq],
      state: 'none',
    },
    process,
  };
}

function share(total: number, n: number): number {
  return Math.round(total / n);
}
