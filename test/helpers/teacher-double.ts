/**
 * An in-process Teacher test double for operator unit tests: replies come from a script function,
 * and it records every request. (Integration tests use the HTTP scripted teacher or the real model.)
 */
import type { ChatReply, ChatRequest, Teacher } from '../../teacher/types.ts';

export type Script = (request: ChatRequest, index: number) => string | Error;

export class TeacherDouble implements Teacher {
  readonly model = 'double-1';
  readonly structuredOutput: boolean;
  readonly requests: ChatRequest[] = [];
  readonly #script: Script;

  constructor(script: Script, structuredOutput = false) {
    this.#script = script;
    this.structuredOutput = structuredOutput;
  }

  async chat(request: ChatRequest): Promise<ChatReply> {
    const out = this.#script(request, this.requests.length);
    this.requests.push(request);
    if (out instanceof Error) throw out;
    return { text: out, model: this.model, promptTokens: 10, completionTokens: 20, costUsd: 0.001, finishReason: 'stop' };
  }

  async close(): Promise<void> {}
}
