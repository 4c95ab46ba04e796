/**
 * The real local teacher: SmolLM2-135M-Instruct through node-llama-cpp behind our OpenAI-compatible server,
 * spoken to by the project's own teacher client. Skips (saying why) only when the model cannot be fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTeacherGguf } from '../../../teacher/local/model-fetch.ts';
import { createTeacher } from '../../../teacher/create.ts';
import type { ChatRequest, Teacher } from '../../../teacher/types.ts';
import { describeError, ErrorCodes, isLaminiError } from '../../../common/errors.ts';

const SCHEMA = {
  type: 'object',
  properties: { instructions: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 20 } },
  required: ['instructions'],
};

test('local teacher: one chat call and one json_schema call', { timeout: 300_000 }, async (t) => {
  let ggufPath: string;
  try {
    ggufPath = await resolveTeacherGguf();
  } catch (error) {
    t.skip(`local teacher model unavailable: ${describeError(error)}`);
    return;
  }
  const teacher: Teacher = await createTeacher({ timeoutMs: 120_000, maxRetries: 0, local: { ggufPath } });
  try {
    assert.equal(teacher.structuredOutput, true);
    assert.match(teacher.model, /SmolLM2/i);

    const capital: ChatRequest = {
      messages: [
        { role: 'system', content: 'Give a very concise answer.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
      maxTokens: 48,
      temperature: 0,
      seed: 1,
      taskNumber: 0,
    };
    const chat = await teacher.chat(capital);
    assert.ok(chat.text.trim().length > 0);
    assert.ok(chat.promptTokens > 5 && chat.completionTokens > 0 && chat.completionTokens <= 48);
    assert.equal(chat.costUsd, 0);
    assert.ok(chat.finishReason === 'stop' || chat.finishReason === 'length');

    // Determinism: the same request, seed and temperature give the same text (no history bleed between requests).
    const again = await teacher.chat(capital);
    assert.equal(again.text, chat.text);

    const generated = await teacher.chat({
      messages: [
        {
          role: 'user',
          content:
            '<example>What are some things you can do to de-stress?</example>\n<example>Write a haiku about autumn.</example>\n' +
            '<example>Explain how vaccines work.</example>\nGenerate 5 new instructions similar to these. Reply with JSON: {"instructions": ["..."]}.',
        },
      ],
      maxTokens: 200,
      temperature: 0.7,
      seed: 2,
      jsonSchema: { name: 'instructions', schema: SCHEMA },
      taskNumber: 1,
    });
    if (generated.finishReason !== 'length') {
      const parsed = JSON.parse(generated.text) as unknown;
      assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
      const instructions = (parsed as { instructions?: unknown }).instructions;
      assert.ok(Array.isArray(instructions) && instructions.length >= 1 && instructions.length <= 20, generated.text);
      assert.ok(instructions.every((i) => typeof i === 'string'));
    } else {
      // Cut off by max_tokens: still the schema's prefix, never free text.
      assert.match(generated.text, /^\s*\{\s*"instructions"\s*:\s*\[/);
    }

    // A prompt longer than the context is the caller's error: HTTP 400, not retried.
    const tooLong = await teacher
      .chat({ messages: [{ role: 'user', content: 'word '.repeat(3000) }], maxTokens: 16, temperature: 0, taskNumber: 2 })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(isLaminiError(tooLong, ErrorCodes.TEACHER_HTTP), String(tooLong));
    assert.equal(tooLong.details['status'], 400);
    assert.equal(tooLong.retriable, false);
  } finally {
    await teacher.close();
  }
});
