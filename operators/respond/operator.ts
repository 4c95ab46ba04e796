/**
 * respond: one teacher call per unique instruction, with the concise-answer system message; the
 * reply becomes an Example carrying the instruction's provenance and the cost of both calls.
 */
import { contentId } from '../../common/hash.ts';
import { describeError } from '../../common/errors.ts';
import { teacherFailureReason } from '../teacher-failure.ts';
import { Topics } from '../../streams/topics.ts';
import type { Example, Instruction } from '../../schemas/types.ts';
import type { Teacher } from '../../teacher/types.ts';
import { responseMessages, templates } from '../generate/prompts.ts';
import type { Operator, OperatorOutput } from '../../streams/operator.ts';
import type { DeadLetterReason } from '../../streams/reasons.ts';

export interface RespondOptions {
  teacher: Teacher;
  temperature: number;
  maxTokens: number;
  now?: () => number;
}

export const RESPOND_ID = 'respond';

export function exampleId(instructionId: string, teacherModel: string, promptVersion: string): string {
  return contentId('example', instructionId, teacherModel, promptVersion);
}

export function createRespondOperator(options: RespondOptions): Operator<typeof Topics.instructionsUnique> {
  const now = options.now ?? Date.now;

  async function process(rec: Instruction, signal?: AbortSignal): Promise<OperatorOutput> {
    const fail = (reason: DeadLetterReason, message: string, payload: string): OperatorOutput => ({
      emit: [],
      dead: [{ reason, message, payload, taskNumber: rec.task_number, taskOutputs: rec.task_outputs }],
    });
    let reply;
    try {
      reply = await options.teacher.chat({
        messages: responseMessages(templates(rec.prompt_version), rec.instruction),
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        seed: rec.task_number,
        taskNumber: rec.task_number,
      }, signal);
    } catch (error) {
      const reason = teacherFailureReason(error);
      return fail(reason, describeError(error), JSON.stringify(rec));
    }
    const response = reply.text.trim();
    if (response === '') return fail('teacher_empty_response', 'the teacher returned an empty response', JSON.stringify(rec));
    const example: Example = {
      id: exampleId(rec.id, options.teacher.model, rec.prompt_version),
      instruction_id: rec.id,
      instruction: rec.instruction,
      input: rec.input,
      response,
      instruction_source: rec.instruction_source,
      generation_mode: rec.generation_mode,
      seed_ids: rec.seed_ids,
      topics: rec.topics,
      teacher_model: options.teacher.model,
      prompt_version: rec.prompt_version,
      prompt_tokens: rec.prompt_tokens + reply.promptTokens,
      completion_tokens: rec.completion_tokens + reply.completionTokens,
      cost_usd: rec.cost_usd + reply.costUsd,
      task_number: rec.task_number,
      task_outputs: rec.task_outputs,
      created_at: now(),
    };
    return { emit: [{ topic: Topics.examples, key: example.id, record: example }], dead: [] };
  }

  return {
    descriptor: {
      id: RESPOND_ID,
      input: Topics.instructionsUnique,
      outputs: [Topics.examples, Topics.dlq],
      state: 'none',
    },
    process,
  };
}
