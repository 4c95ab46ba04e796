/**
 * generate: a GenerationTask in, instructions out. Seed tasks pass their seed through (no teacher
 * call); example- and topic-guided tasks ask the teacher for new instructions, in the best format the
 * teacher has not refused (json_schema, json_object, `<example>` tags: teacher/formats.ts). A refusal is
 * never retried: the same task is asked again at once in the next format. Every task ends in
 * `task_outputs` terminal records downstream, so the sink can tell when a task is done.
 */
import { describeError, ErrorCodes, isLaminiError } from '../../common/errors.ts';
import { teacherFailureReason } from '../teacher-failure.ts';
import { Topics } from '../../streams/topics.ts';
import type { Dropped, GenerationTask, Seed } from '../../schemas/types.ts';
import { FORMAT_ORDER, FormatSupport, type GenerationFormat } from '../../teacher/formats.ts';
import type { ChatReply, Teacher } from '../../teacher/types.ts';
import { instructionSource } from '../planner/mix.ts';
import type { DeadLetterDraft, Emission, Operator, OperatorOutput } from '../../streams/operator.ts';
import type { DeadLetterReason } from '../../streams/reasons.ts';
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
  /**
   * `auto` asks for JSON when the teacher supports structured output, falling back to `<example>` tags when it
   * refuses both JSON modes; `json` never falls back to tags; `tags` never asks for JSON.
   */
  structuredOutput: 'auto' | 'json' | 'tags';
  /** Where a refused format is told, when the teacher keeps no FormatSupport of its own (the chain does). */
  log?: (line: string) => void;
  /** Switchable filters on generated instructions (all off when absent). */
  filters?: GenerationFilters;
  now?: () => number;
}

export const GENERATE_ID = 'generate';

export function createGenerateOperator(options: GenerateOptions): Operator<typeof Topics.tasks> {
  const now = options.now ?? Date.now;
  const filter = options.filters === undefined ? undefined : compileFilters(options.filters);
  const wanted: readonly GenerationFormat[] =
    options.structuredOutput === 'tags' ? ['tags']
      : options.structuredOutput === 'json' ? ['json_schema', 'json_object']
        : options.teacher.structuredOutput ? FORMAT_ORDER : ['tags'];
  const formats = options.teacher.formats ??
    new FormatSupport({ model: options.teacher.model, ...(options.log === undefined ? {} : { log: options.log }) });

  const dead = (task: GenerationTask, reason: DeadLetterReason, message: string, payload: string): DeadLetterDraft =>
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
    let reply: ChatReply;
    let json: boolean;
    for (;;) {
      const format = formats.pick(wanted);
      if (format === undefined) {
        const message = `teacher ${options.teacher.model} refused every structured-output mode teacher.structuredOutput "${options.structuredOutput}" allows`;
        return { emit: [], dead: [dead(task, 'teacher_format_unsupported', message, JSON.stringify(task))] };
      }
      json = format !== 'tags';
      const messages = generationMessages(t, {
        examples: found.map((s) => joinInput(s.instruction, s.input)),
        topics: task.topics,
        count: task.count,
        json,
      });
      try {
        reply = await options.teacher.chat({
          messages,
          maxTokens: options.maxTokens,
          temperature: options.temperature,
          seed: task.task_number,
          taskNumber: task.task_number,
          ...(json ? { jsonSchema: INSTRUCTIONS_SCHEMA(task.count) } : {}),
          ...(format === 'json_object' ? { responseFormat: 'json_object' as const } : {}),
        }, signal);
        break;
      } catch (error) {
        // Each refusal marks a format refused, so this loop asks at most once per format.
        if (format !== 'tags' && isLaminiError(error, ErrorCodes.TEACHER_FORMAT_UNSUPPORTED)) {
          formats.refuse(format, error, wanted);
          continue;
        }
        const reason = teacherFailureReason(error);
        return { emit: [], dead: [dead(task, reason, describeError(error), JSON.stringify(task))] };
      }
    }
    const truncated = reply.finishReason === 'length';
    const parsed = parseReply(reply.text, { json, truncated });
    if (parsed.instructions.length === 0) {
      const reason = truncated ? 'teacher_truncated' : parsed.failure === 'bad_json' ? 'teacher_bad_json' : 'teacher_no_examples';
      return { emit: [], dead: [dead(task, reason, `the teacher's reply held no new instructions (${reply.text.length} chars)`, reply.text)] };
    }
    const n = parsed.instructions.length;
    const drafts = parsed.instructions.map((text): InstructionDraft => ({
      // The configured name, as the respond operator records it; the server's own name is in teacher_requests.
      ...base, text, input: '', teacherModel: options.teacher.model,
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
      emit.push({ topic: Topics.instructionsRaw, key: record.id, record });
    }
    for (const r of repeats) {
      r.task_outputs = outputs;
      emit.push({ topic: Topics.dropped, key: r.id, record: r });
    }
    for (const dl of deadLetters) dl.taskOutputs = outputs;
    return { emit, dead: deadLetters };
  }

  return {
    descriptor: {
      id: GENERATE_ID,
      input: Topics.tasks,
      outputs: [Topics.instructionsRaw, Topics.dropped, Topics.dlq],
      state: 'none',
    },
    process,
  };
}

function share(total: number, n: number): number {
  return Math.round(total / n);
}
