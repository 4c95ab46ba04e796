/** Building and checking Instruction records, shared by every way an instruction is made. */
import { contentId, normaliseText } from '../../common/hash.ts';
import type { GenerationMode, GenerationTask, Instruction } from '../../schemas/types.ts';

export function instructionId(text: string): string {
  return contentId(normaliseText(text));
}

/** The paper joins a seed's input to its instruction as `instruction : input`. */
export function joinInput(instruction: string, input: string): string {
  return input.trim() === '' ? instruction.trim() : `${instruction.trim()} : ${input.trim()}`;
}

/** A reason code when the text cannot be an instruction, else undefined. */
export function rejectInstruction(
  text: string,
  maxChars: number,
): 'instruction_empty' | 'instruction_no_text' | 'instruction_too_long' | undefined {
  if (normaliseText(text) === '') return 'instruction_empty';
  if (!/[\p{L}\p{N}]/u.test(text)) return 'instruction_no_text';
  if (text.length > maxChars) return 'instruction_too_long';
  return undefined;
}

export interface InstructionDraft {
  text: string;
  input: string;
  source: string;
  mode: GenerationMode;
  task: GenerationTask;
  teacherModel: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  createdAt: number;
}

export function makeInstruction(d: InstructionDraft, taskOutputs: number): Instruction {
  return {
    id: instructionId(d.text),
    instruction: d.text,
    input: d.input,
    instruction_source: d.source,
    generation_mode: d.mode,
    seed_ids: d.task.seed_ids,
    topics: d.task.topics,
    task_number: d.task.task_number,
    task_outputs: taskOutputs,
    teacher_model: d.teacherModel,
    prompt_version: d.task.prompt_version,
    prompt_tokens: d.promptTokens,
    completion_tokens: d.completionTokens,
    cost_usd: d.costUsd,
    created_at: d.createdAt,
  };
}
