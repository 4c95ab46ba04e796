import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { OpenAITeacher } from '../../../teacher/openai-teacher.ts';
import type { OpenAITeacherConfig } from '../../../teacher/openai-teacher.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { isLaminiError, ErrorCodes, LaminiError } from '../../../common/errors.ts';
import { startScriptedTeacher, faultsFirst } from '../../helpers/scripted-teacher.ts';
import type { ScriptStep } from '../../helpers/scripted-teacher.ts';

const KEY = 'sk-test-SECRET123';
const SCHEMA = {
  type: 'object',
  properties: { instructions: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 20 } },
  required: ['instructions'],
};

function config(baseURL: string, over: Partial<OpenAITeacherConfig> = {}): OpenAITeacherConfig {
  return {
    baseURL,
    apiKey: KEY,
    model: 'gpt-4o-mini',
    timeoutMs: 5_000,
    maxRetries: 0,
    prices: { 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 } },
    ...over,
  };
}

const respondReq: ChatRequest = {
  messages: [
    { role: 'system', content: 'Answer very concisely.' },
    { role: 'user', content: 'What is the boiling point of water?' },
  ],
  maxTokens: 128,
  temperature: 0.7,
  taskNumber: 1,
};

async function failure(promise: Promise<unknown>): Promise<LaminiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LaminiError, `expected a LaminiError, got ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** Everything a log line or crash report could show of an error, cause chain included. */
function everyRendering(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    parts.push(JSON.stringify(current) ?? '', String(current), inspect(current, { depth: 10, showHidden: true }));
    if (current instanceof Error) parts.push(current.stack ?? '', current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function assertNoKey(error: unknown): void {
  const text = everyRendering(error);
  assert.ok(!text.includes('SECRET123'), `the API key leaked: ${text.slice(0, 2000)}`);
}

async function withScript(steps: ScriptStep[], fn: (teacher: OpenAITeacher, count: () => number) => Promise<void>, over: Partial<OpenAITeacherConfig> = {}) {
  const server = await startScriptedTeacher({ script: faultsFirst(steps) });
  const teacher = new OpenAITeacher(config(server.baseURL, over));
  try {
    await fn(teacher, () => server.count);
  } finally {
    await teacher.close();
    await server.close();
  }
}

test('passes sampling fields and maps jsonSchema to response_format json_schema (strict)', async () => {
  const server = await startScriptedTeacher();
  const teacher = new OpenAITeacher(config(server.baseURL));
  try {
    const reply = await teacher.chat({
      messages: [{ role: 'user', content: 'Generate 5 new instructions like these.' }],
      maxTokens: 256,
      temperature: 0.9,
      seed: 42,
      stop: ['</done>'],
      jsonSchema: { name: 'instructions', schema: SCHEMA },
      taskNumber: 7,
    });
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.equal(body['model'], 'gpt-4o-mini');
    assert.equal(body['max_tokens'], 256);
    assert.equal(body['temperature'], 0.9);
    assert.equal(body['seed'], 42);
    assert.deepEqual(body['stop'], ['</done>']);
    assert.deepEqual(body['response_format'], { type: 'json_schema', json_schema: { name: 'instructions', schema: SCHEMA, strict: true } });
    assert.equal(server.requests[0]?.authorization, `Bearer ${KEY}`);
    const parsed = JSON.parse(reply.text) as { instructions: string[] };
    assert.equal(parsed.instructions.length, 5);
    assert.equal(new Set(parsed.instructions).size, 5);
  } finally {
    await server.close();
  }
});

test('omits seed, stop and response_format when not asked; returns usage and cost from the price table', async () => {
  const server = await startScriptedTeacher({ script: () => ({ kind: 'reply', text: 'About 100 °C at sea level.' }) });
  const teacher = new OpenAITeacher(config(server.baseURL));
  try {
    const reply = await teacher.chat(respondReq);
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.ok(!('seed' in body) && !('stop' in body) && !('response_format' in body));
    assert.equal(reply.text, 'About 100 °C at sea level.');
    assert.equal(reply.model, 'gpt-4o-mini', 'keyed on the configured name');
    assert.equal(reply.serverModel, 'scripted-teacher', 'the server\'s own name beside it');
    assert.ok(reply.promptTokens > 0 && reply.completionTokens > 0);
    // The server names another model (absent from the table): priced as the configured model.
    const expected = (reply.promptTokens * 0.15 + reply.completionTokens * 0.6) / 1e6;
    assert.ok(Math.abs(reply.costUsd - expected) < 1e-12);
    assert.equal(reply.finishReason, 'stop');
  } finally {
    await server.close();
  }
});

test('401 is TEACHER_HTTP, not retriable, and the echoed key is redacted', async () => {
  await withScript([{ kind: 'status', status: 401 }], async (teacher) => {
    const error = await failure(teacher.chat(respondReq));
    assert.equal(error.code, ErrorCodes.TEACHER_HTTP);
    assert.equal(error.details['status'], 401);
    assert.equal(error.retriable, false);
    assertNoKey(error);
    assert.match(error.message, /\[redacted\]/);
  });
});

test('500 is TEACHER_HTTP and retriable; the key never appears', async () => {
  await withScript([{ kind: 'status', status: 500, message: `upstream said ${KEY}` }], async (teacher) => {
    const error = await failure(teacher.chat(respondReq));
    assert.equal(error.code, ErrorCodes.TEACHER_HTTP);
    assert.equal(error.details['status'], 500);
    assert.equal(error.retriable, true);
    assertNoKey(error);
  });
});

test('the SDK retries 500s up to maxRetries and then succeeds', async () => {
  await withScript(
    [{ kind: 'status', status: 500 }, { kind: 'status', status: 503 }],
    async (teacher, count) => {
      const reply = await teacher.chat(respondReq);
      assert.ok(reply.text.length > 0);
      assert.equal(count(), 3);
    },
    { maxRetries: 2 },
  );
});

test('429 is TEACHER_RATE_LIMITED with the Retry-After it was given', async () => {
  await withScript([{ kind: 'status', status: 429, retryAfterSeconds: 7 }], async (teacher) => {
    const error = await failure(teacher.chat(respondReq));
    assert.equal(error.code, ErrorCodes.TEACHER_RATE_LIMITED);
    assert.equal(error.retriable, true);
    assert.equal(error.details['retryAfterMs'], 7000);
    assertNoKey(error);
  });
});

test('a server that never answers is TEACHER_TIMEOUT', async () => {
  await withScript(
    [{ kind: 'hang' }],
    async (teacher) => {
      const error = await failure(teacher.chat(respondReq));
      assert.equal(error.code, ErrorCodes.TEACHER_TIMEOUT);
      assert.equal(error.retriable, true);
      assertNoKey(error);
    },
    { timeoutMs: 200 },
  );
});

test('connection refused is TEACHER_UNAVAILABLE (retriable) and does not leak the key', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const teacher = new OpenAITeacher(config(`http://127.0.0.1:${port}/v1`));
  const error = await failure(teacher.chat(respondReq));
  assert.equal(error.code, ErrorCodes.TEACHER_UNAVAILABLE);
  assert.equal(error.retriable, true);
  assert.equal(error.details['systemCode'], 'ECONNREFUSED');
  assertNoKey(error);
});

test('a truncated JSON body, no choices, or empty content is TEACHER_BAD_REPLY', async () => {
  await withScript(
    [
      { kind: 'truncated' },
      { kind: 'body', body: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [] } },
      { kind: 'reply', text: '   ' },
    ],
    async (teacher) => {
      for (let i = 0; i < 3; i++) {
        const error = await failure(teacher.chat(respondReq));
        assert.equal(error.code, ErrorCodes.TEACHER_BAD_REPLY, `step ${i}: ${error.message}`);
        assertNoKey(error);
      }
    },
  );
});

test('a caller abort is TEACHER_ABORTED and not retriable', async () => {
  await withScript([{ kind: 'hang' }], async (teacher) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(teacher.chat(respondReq, controller.signal));
    assert.equal(error.code, ErrorCodes.TEACHER_ABORTED);
    assert.equal(error.retriable, false);
  });
});

test('isLaminiError decides on code for teacher errors', async () => {
  await withScript([{ kind: 'status', status: 400 }], async (teacher) => {
    const error = await failure(teacher.chat(respondReq));
    assert.ok(isLaminiError(error, ErrorCodes.TEACHER_HTTP));
    assert.equal(error.retriable, false);
  });
});

test('slow stream: a body that trickles in past the timeout is TEACHER_TIMEOUT at the deadline, not when it ends', async () => {
  // Headers at once, then 10 pieces 300 ms apart: 3 s of body against a 400 ms timeout.
  await withScript(
    [{ kind: 'slow-body', delayMs: 300, chunks: 10 }],
    async (teacher) => {
      const started = performance.now();
      const error = await failure(teacher.chat(respondReq));
      const took = performance.now() - started;
      assert.equal(error.code, ErrorCodes.TEACHER_TIMEOUT, error.message);
      assert.equal(error.retriable, true);
      assert.ok(took < 2_500, `gave up after ${Math.round(took)} ms, not at the 400 ms deadline`);
      assertNoKey(error);
    },
    { timeoutMs: 400 },
  );
});

test('slow stream: a body that trickles in within the timeout is a normal reply', async () => {
  await withScript([{ kind: 'slow-body', delayMs: 20, chunks: 5 }], async (teacher) => {
    const reply = await teacher.chat(respondReq);
    assert.match(reply.text, /concise answer/);
  });
});

test('slow stream: the chain retries a timed-out slow body, and a teacher that is always slow ends TEACHER_TIMEOUT', async () => {
  const { TeacherChain } = await import('../../../teacher/chain.ts');
  const server = await startScriptedTeacher({
    script: (ctx, i) => (i === 0 || i >= 2 ? { kind: 'slow-body', delayMs: 200, chunks: 10 } : ctx.fallback()),
  });
  const chain = new TeacherChain(new OpenAITeacher(config(server.baseURL, { timeoutMs: 300 })), {
    baseURL: server.baseURL, budget: { concurrency: 0, rpm: 0, tpm: 0 }, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  try {
    const reply = await chain.chat(respondReq);
    assert.equal(reply.retries, 1, 'answered on the retry');
    const error = await failure(chain.chat({ ...respondReq, taskNumber: 2 }));
    assert.equal(error.code, ErrorCodes.TEACHER_TIMEOUT);
    assert.equal(server.count, 5, 'one answered after one retry, then three slow attempts');
    assert.deepEqual(chain.ledger.totals.failed, 1);
  } finally {
    await chain.close();
    await server.close();
  }
});
