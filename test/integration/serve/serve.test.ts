/**
 * `lamini serve` driven by the official OpenAI client: a tiny trained student, the completions endpoint read the
 * way lm-evaluation-harness's `local-completions` reads it (token-id prompts, `echo`, `max_tokens: 1`,
 * `logprobs: 1`, then `token_logprobs[ctxlen:-1]` and `is_greedy` from `top_logprobs`), checked against the
 * student's own scoreContinuation (another code path); chat with and without streaming; errors in OpenAI's shape.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { chatPrompt, servedStudent, startStudentServer, type StudentServerHandle } from '../../../serve/index.ts';
import { openStudent, type StudentModel } from '../../../trainers/student-model/index.ts';
import { alpacaPrompt } from '../../../trainers/prompt.ts';
import { trainTinyStudent } from './tiny-student.ts';

let dir = '';
let model: StudentModel;
let server: StudentServerHandle;
let client: OpenAI;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lamini-serve-test-'));
  const root = await trainTinyStudent(dir, { steps: 30 });
  model = await openStudent(root, { backend: 'tensorflow' });
  server = await startStudentServer({ student: servedStudent(model) });
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'unused', maxRetries: 0 });
});

after(async () => {
  await server.close();
  model.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** lm-evaluation-harness's LocalCompletionsAPI.parse_logprobs for one choice, in TypeScript. */
function harnessParse(logprobs: OpenAI.Completions.CompletionChoice.Logprobs | null, ctxlen: number): { logprob: number; isGreedy: boolean } {
  assert.ok(logprobs !== null && logprobs.token_logprobs !== undefined && logprobs.top_logprobs !== undefined);
  const tokenLogprobs = logprobs.token_logprobs.slice(ctxlen, -1);
  const top = logprobs.top_logprobs.slice(ctxlen, -1);
  let isGreedy = true;
  tokenLogprobs.forEach((tok, i) => {
    if (tok !== Math.max(...Object.values(top[i] ?? {}))) isGreedy = false;
  });
  return { logprob: tokenLogprobs.reduce((s, x) => s + x, 0), isGreedy };
}

/** The harness's split: the context's ids, and the continuation's as the rest of the joined text's ids. */
function harnessIds(context: string, continuation: string): { ids: number[]; ctxlen: number } {
  const ctx = model.tokenizer.encode(context);
  const whole = model.tokenizer.encode(context + continuation);
  return { ids: whole, ctxlen: ctx.length };
}

test('/v1/models lists the student', async () => {
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), [model.name]);
});

test('the harness loglikelihood request: token-id prompts, echo, one generated token; agrees with scoreContinuation', async () => {
  const context = 'Describe river stone';
  // The student's own greedy continuation, and others it would not pick.
  const greedy = await model.generate(context, { maxNewTokens: 2 });
  assert.ok(greedy.text.length > 0);
  const continuations = [greedy.text, ' thunder velvet', ' zzz', ' harbour'];
  const pairs = continuations.map((c) => harnessIds(context, c));
  const reply = await client.completions.create({
    model: server.model, prompt: pairs.map((p) => p.ids), max_tokens: 1, temperature: 0, logprobs: 1, echo: true, seed: 1234,
  });
  assert.equal(reply.choices.length, continuations.length);
  const greedies: boolean[] = [];
  for (const [i, continuation] of continuations.entries()) {
    const choice = reply.choices.find((c) => c.index === i);
    const pair = pairs[i];
    assert.ok(choice !== undefined && pair !== undefined);
    // The whole prompt echoed, then exactly one generated token (the harness drops it with [:-1]).
    assert.equal(choice.logprobs?.tokens?.length, pair.ids.length + 1);
    assert.equal(choice.logprobs?.token_logprobs?.[0], null);
    const got = harnessParse(choice.logprobs, pair.ctxlen);
    const want = await model.scoreContinuation(context, continuation);
    assert.ok(Math.abs(got.logprob - want.logprob) < 1e-3 * Math.max(1, Math.abs(want.logprob)), `${continuation}: ${got.logprob} vs ${want.logprob}`);
    assert.equal(got.isGreedy, want.isGreedy, continuation);
    greedies.push(got.isGreedy);
  }
  assert.equal(greedies[0], true, 'the student\'s own greedy continuation is greedy');
  assert.ok(greedies.includes(false), 'some continuation is not greedy');
});

test('echo with max_tokens 0 gives the prompt\'s token logprobs only; text prompts and offsets line up', async () => {
  const prompt = 'List the garden winter lantern';
  const reply = await client.completions.create({ model: server.model, prompt, max_tokens: 0, logprobs: 0, echo: true });
  const choice = reply.choices[0];
  assert.ok(choice?.logprobs?.tokens !== undefined && choice.logprobs.text_offset !== undefined && choice.logprobs.token_logprobs !== undefined);
  const ids = model.tokenizer.encode(prompt);
  assert.equal(choice.text, prompt);
  assert.equal(choice.logprobs.tokens.length, ids.length);
  assert.equal(choice.logprobs.tokens.join(''), prompt);
  choice.logprobs.tokens.forEach((tok, i) => assert.equal(prompt.slice(choice.logprobs?.text_offset?.[i], (choice.logprobs?.text_offset?.[i] ?? 0) + tok.length), tok));
  const whole = await model.scoreContinuation(prompt.slice(0, 4), prompt.slice(4));
  const summed = choice.logprobs.token_logprobs.slice(model.tokenizer.encode(prompt.slice(0, 4)).length).reduce((s: number, x) => s + (x ?? 0), 0);
  assert.ok(Math.abs(summed - whole.logprob) < 1e-3 * Math.abs(whole.logprob));
  assert.equal(reply.usage?.prompt_tokens, ids.length);
  assert.equal(reply.usage?.completion_tokens, 0);
});

test('completions generate like the student; stop strings cut the text; logprobs without echo start at the completion', async () => {
  const prompt = alpacaPrompt({ instruction: 'Describe river stone', input: '' });
  const want = await model.generate(prompt, { maxNewTokens: 12 });
  const reply = await client.completions.create({ model: server.model, prompt, max_tokens: 12, temperature: 0, logprobs: 3 });
  const choice = reply.choices[0];
  assert.equal(choice?.text, want.text);
  assert.equal(choice?.logprobs?.text_offset?.[0], prompt.length);
  assert.equal(choice?.logprobs?.tokens?.join(''), want.text + (want.finishReason === 'eos' ? model.tokenizer.decode([model.tokenizer.eosId]) : ''));
  for (const top of choice?.logprobs?.top_logprobs ?? []) assert.ok(Object.keys(top).length >= 3 && Object.keys(top).length <= 4);
  const cut = want.text.trim().split(' ')[1];
  assert.ok(cut !== undefined && cut !== '', want.text);
  const stopped = await client.completions.create({ model: server.model, prompt, max_tokens: 12, temperature: 0, stop: [cut] });
  assert.equal(stopped.choices[0]?.finish_reason, 'stop');
  assert.equal(stopped.choices[0]?.text, want.text.slice(0, want.text.indexOf(cut)));
});

test('streamed completions send the same text and finish reasons, one choice per prompt', async () => {
  const prompts = ['Describe river stone', 'List garden winter'];
  const plain = await client.completions.create({ model: server.model, prompt: prompts, max_tokens: 8, temperature: 0 });
  const stream = await client.completions.create({ model: server.model, prompt: prompts, max_tokens: 8, temperature: 0, stream: true });
  const texts = ['', ''];
  const finishes: Array<string | null> = [null, null];
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      texts[c.index] += c.text;
      if (c.finish_reason !== null) finishes[c.index] = c.finish_reason;
    }
  }
  assert.deepEqual(texts, plain.choices.map((c) => c.text));
  assert.deepEqual(finishes, plain.choices.map((c) => c.finish_reason));
});

test('chat completions: the Alpaca-wrapped instruction, streamed and not, the same text', async () => {
  const messages = [{ role: 'system' as const, content: 'ignored' }, { role: 'user' as const, content: 'Explain copper meadow' }];
  const want = await model.generate(chatPrompt(messages), { maxNewTokens: 16 });
  const plain = await client.chat.completions.create({ model: server.model, messages, max_tokens: 16, temperature: 0 });
  assert.equal(plain.choices[0]?.message.content, want.text);
  assert.equal(plain.usage?.completion_tokens, want.tokens);
  const stream = await client.chat.completions.create({
    model: server.model, messages, max_tokens: 16, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let pieces = 0;
  const finishes: string[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      if (c.delta.content) pieces += 1;
      text += c.delta.content ?? '';
      if (c.finish_reason !== null) finishes.push(c.finish_reason);
    }
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, want.text);
  assert.ok(pieces > 1, 'the reply arrives in pieces');
  assert.deepEqual(finishes, [plain.choices[0]?.finish_reason]);
  assert.equal(usage?.completion_tokens, want.tokens);
});

test('a client that leaves a stream early does not stop the server', async () => {
  const messages = [{ role: 'user' as const, content: 'Describe thunder velvet' }];
  const stream = await client.chat.completions.create({ model: server.model, messages, max_tokens: 48, temperature: 0, stream: true });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) break; // leaving the loop aborts the request
  }
  const next = await client.chat.completions.create({ model: server.model, messages, max_tokens: 4, temperature: 0 });
  assert.equal(next.choices.length, 1);
  assert.equal(next.choices[0]?.message.content, (await model.generate(chatPrompt(messages), { maxNewTokens: 4 })).text);
});

test('errors are OpenAI-shaped: unsupported fields, another model, too long, bad ids, unknown route', async () => {
  const fail = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
  const n2 = await fail(client.completions.create({ model: server.model, prompt: 'x', n: 2 }));
  assert.ok(n2 instanceof OpenAI.BadRequestError, String(n2));
  assert.match(n2.message, /n: only 1 is supported/);
  const other = await fail(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }));
  assert.ok(other instanceof OpenAI.NotFoundError, String(other));
  assert.equal(other.code, 'model_not_found');
  const long = await fail(client.completions.create({ model: server.model, prompt: 'word '.repeat(400), max_tokens: 0, echo: true, logprobs: 0 }));
  assert.ok(long instanceof OpenAI.BadRequestError, String(long));
  assert.equal(long.code, 'context_length_exceeded');
  const ids = await fail(client.completions.create({ model: server.model, prompt: [[1, 999_999]], max_tokens: 0, echo: true }));
  assert.ok(ids instanceof OpenAI.BadRequestError, String(ids));
  assert.match(ids.message, /999999 is not in the vocabulary/);
  const schema = await fail(client.chat.completions.create({
    model: server.model, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema: {} } },
  }));
  assert.ok(schema instanceof OpenAI.BadRequestError, String(schema));
  const route = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });
  assert.equal(route.status, 404);
  const body = (await route.json()) as { error?: { type?: string; message?: string } };
  assert.equal(body.error?.type, 'invalid_request_error');
});

test('the tokenizer endpoints lm-evaluation-harness\'s remote backend reads agree with the student', async () => {
  const root = server.baseURL.replace(/\/v1$/, '');
  const info = (await (await fetch(`${root}/tokenizer_info`)).json()) as { eos_token?: string };
  assert.equal(info.eos_token, model.tokenizer.decode([model.tokenizer.eosId]));
  const text = 'Compare island engine, naïvely';
  const tokenized = (await (await fetch(`${root}/tokenize`, { method: 'POST', body: JSON.stringify({ prompt: text, add_special_tokens: false }) })).json()) as { tokens?: number[] };
  assert.deepEqual(tokenized.tokens, model.tokenizer.encode(text));
  const eos = (await (await fetch(`${root}/tokenize`, { method: 'POST', body: JSON.stringify({ prompt: info.eos_token }) })).json()) as { tokens?: number[] };
  assert.deepEqual(eos.tokens, [model.tokenizer.eosId], 'the harness takes encode(eos_token)[0] as the end token id');
  const back = (await (await fetch(`${root}/detokenize`, { method: 'POST', body: JSON.stringify({ tokens: tokenized.tokens }) })).json()) as { prompt?: string };
  assert.equal(back.prompt, text);
});
