/**
 * Structured-output modes a server refuses: llama-cpp-python answers `response_format: json_schema` with HTTP 500
 * (the scripted double reproduces its body). The refusal is TEACHER_FORMAT_UNSUPPORTED, never retried, and a
 * FormatSupport moves the teacher down one mode with one log line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isLaminiError, LaminiError } from '../../../common/errors.ts';
import { TeacherChain } from '../../../teacher/chain.ts';
import { FORMAT_ORDER, FormatSupport } from '../../../teacher/formats.ts';
import { OpenAITeacher, refusesFormat } from '../../../teacher/openai-teacher.ts';
import type { ChatRequest } from '../../../teacher/types.ts';
import { LLAMA_CPP_PYTHON_JSON_SCHEMA_ERROR, LLAMA_SERVER_MODEL_PATH, startLlamaCppPythonDouble, startLlamaServerDouble } from '../../helpers/real-server-doubles.ts';

const generation: ChatRequest = {
  messages: [{ role: 'user', content: 'Generate 5 new instructions like <example>Name a colour.</example>' }],
  maxTokens: 256, temperature: 0.7, taskNumber: 3,
  jsonSchema: { name: 'instructions', schema: { type: 'object', properties: { instructions: { type: 'array', items: { type: 'string' }, maxItems: 5 } } } },
};

const client = (baseURL: string, model = 'qwen-local'): OpenAITeacher =>
  new OpenAITeacher({ baseURL, apiKey: 'sk-SECRET-format', model, timeoutMs: 5_000, maxRetries: 0, prices: {} });

async function failure(p: Promise<unknown>): Promise<LaminiError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof LaminiError, String(error));
    return error;
  }
  assert.fail('expected a failure');
}

test('refusesFormat: a request or internal error naming response_format; never overload, gateways or other 500s', () => {
  assert.equal(refusesFormat(500, LLAMA_CPP_PYTHON_JSON_SCHEMA_ERROR, null), true, 'llama-cpp-python');
  assert.equal(refusesFormat(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", 'response_format'), true);
  assert.equal(refusesFormat(422, 'bad request', 'response_format'), true);
  assert.equal(refusesFormat(500, 'CUDA out of memory', null), false);
  assert.equal(refusesFormat(503, 'response_format backend overloaded', null), false);
  assert.equal(refusesFormat(429, 'json_schema requests are rate limited', null), false);
});

test('regression: llama-cpp-python\'s 500 for json_schema is TEACHER_FORMAT_UNSUPPORTED, asked once and never retried; json_object is answered', async () => {
  const server = await startLlamaCppPythonDouble();
  const chain = new TeacherChain(client(server.baseURL), {
    baseURL: server.baseURL, budget: { concurrency: 0, rpm: 0, tpm: 0 }, retry: { maxRetries: 6, baseDelayMs: 1, maxDelayMs: 5 },
  });
  try {
    const error = await failure(chain.chat(generation));
    assert.equal(error.code, ErrorCodes.TEACHER_FORMAT_UNSUPPORTED);
    assert.equal(error.retriable, false);
    assert.deepEqual([error.details['status'], error.details['format']], [500, 'json_schema']);
    assert.match(String(error.details['serverMessage']), /Input should be 'text' or 'json_object'/);
    assert.ok(!error.message.includes('sk-SECRET-format'));
    assert.equal(server.count, 1, 'a request that cannot succeed is not retried');
    const row = chain.ledger.drain();
    assert.deepEqual(row.map((r) => [r.status, r.retries]), [[ErrorCodes.TEACHER_FORMAT_UNSUPPORTED, 0]]);

    const reply = await chain.chat({ ...generation, responseFormat: 'json_object' });
    assert.deepEqual((server.requests[1]?.body as { response_format?: unknown }).response_format, { type: 'json_object' });
    assert.equal((JSON.parse(reply.text) as { instructions: string[] }).instructions.length, 5);
  } finally {
    await chain.close();
    await server.close();
  }
});

test('FormatSupport: best mode not refused; each refusal logs one line, however many calls meet it', () => {
  const lines: string[] = [];
  const formats = new FormatSupport({ model: 'qwen-local', log: (l) => lines.push(l) });
  const refusal = new LaminiError(ErrorCodes.TEACHER_FORMAT_UNSUPPORTED, 'x', { details: { status: 500, serverMessage: LLAMA_CPP_PYTHON_JSON_SCHEMA_ERROR } });
  assert.equal(formats.pick(FORMAT_ORDER), 'json_schema');
  assert.equal(formats.refuse('json_schema', refusal, FORMAT_ORDER), true);
  assert.equal(formats.refuse('json_schema', refusal, FORMAT_ORDER), false, 'a call in flight meets the same refusal');
  assert.equal(formats.pick(FORMAT_ORDER), 'json_object');
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /^teacher qwen-local does not accept response_format json_schema \(HTTP 500: .*Input should be 'text' or 'json_object'.*\); asking it for json_object from now on$/);
  formats.refuse('json_object', refusal, FORMAT_ORDER);
  assert.equal(formats.pick(FORMAT_ORDER), 'tags');
  assert.match(lines[1] ?? '', /json_object .*asking it for <example> tags from now on/);
  assert.equal(formats.pick(['json_schema', 'json_object']), undefined, 'teacher.structuredOutput "json" has nothing left');
});

test('regression: llama-server names the model by its file path: the reply, the ledger and the cache keep the configured name, the path beside it', async () => {
  const server = await startLlamaServerDouble();
  const chain = new TeacherChain(client(server.baseURL, 'local-gguf'), {
    baseURL: server.baseURL, budget: { concurrency: 0, rpm: 0, tpm: 0 }, retry: { maxRetries: 0 },
  });
  try {
    const reply = await chain.chat({ messages: generation.messages, maxTokens: 64, temperature: 0, taskNumber: 4 });
    assert.equal(reply.model, 'local-gguf');
    assert.equal(reply.serverModel, LLAMA_SERVER_MODEL_PATH);
    const [row] = chain.ledger.drain();
    assert.equal(row?.model, 'local-gguf');
    assert.equal(row?.server_model, LLAMA_SERVER_MODEL_PATH);
  } finally {
    await chain.close();
    await server.close();
  }
});

test('a failed call is ledgered under the configured name with no server name', async () => {
  const server = await startLlamaCppPythonDouble();
  const chain = new TeacherChain(client(server.baseURL, 'local-gguf'), { baseURL: server.baseURL, budget: { concurrency: 0, rpm: 0, tpm: 0 } });
  try {
    await assert.rejects(chain.chat(generation), (e) => isLaminiError(e, ErrorCodes.TEACHER_FORMAT_UNSUPPORTED));
    const [row] = chain.ledger.drain();
    assert.deepEqual([row?.model, row?.server_model], ['local-gguf', '']);
  } finally {
    await chain.close();
    await server.close();
  }
});
