import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedTeacher, everyNth, deterministicInstructions } from '../../helpers/scripted-teacher.ts';

async function post(baseURL: string, body: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), headers: res.headers };
}

const GEN = {
  model: 'm',
  messages: [{ role: 'user', content: '<example>Name a fruit.</example>\nGenerate 4 diverse examples similar to these.' }],
};

test('default script: generation prompts get N distinct instructions in tags, deterministic per prompt', async () => {
  const t = await startScriptedTeacher();
  try {
    const a = await post(t.baseURL, GEN);
    const b = await post(t.baseURL, GEN);
    const text: string = a.json.choices[0].message.content;
    const items = [...text.matchAll(/<example>(.*?)<\/example>/g)].map((m) => m[1]);
    assert.equal(items.length, 4);
    assert.equal(new Set(items).size, 4);
    assert.equal(b.json.choices[0].message.content, text);
    const other = await post(t.baseURL, { ...GEN, seed: 9 });
    assert.notEqual(other.json.choices[0].message.content, text, 'a different seed resamples');
    assert.equal(t.count, 3);
    assert.ok(a.json.usage.prompt_tokens > 0);
  } finally {
    await t.close();
  }
});

test('default script: json_schema generation gets {"instructions": [...]} capped by maxItems; responses get a short answer', async () => {
  const t = await startScriptedTeacher();
  try {
    const schema = { type: 'object', properties: { instructions: { type: 'array', items: { type: 'string' }, maxItems: 3 } }, required: ['instructions'] };
    const r = await post(t.baseURL, { ...GEN, response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } });
    const parsed = JSON.parse(r.json.choices[0].message.content);
    assert.equal(parsed.instructions.length, 3);
    const ans = await post(t.baseURL, { model: 'm', messages: [{ role: 'system', content: 'Be concise.' }, { role: 'user', content: 'What is 2+2?' }] });
    assert.match(ans.json.choices[0].message.content, /^A concise answer/);
    assert.doesNotMatch(ans.json.choices[0].message.content, /<example>/);
  } finally {
    await t.close();
  }
});

test('faults: 429 with Retry-After, no-tags text, invalid body; /v1/models answers', async () => {
  const t = await startScriptedTeacher({ script: (ctx, i) => (i === 0 ? { kind: 'status', status: 429, retryAfterSeconds: 3 } : i === 1 ? { kind: 'no-tags' } : ctx.fallback()) });
  try {
    const limited = await post(t.baseURL, GEN);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    const prose = await post(t.baseURL, GEN);
    assert.doesNotMatch(prose.json.choices[0].message.content, /<example>/);
    const bad = await post(t.baseURL, { model: 'm', messages: [] });
    assert.equal(bad.status, 400);
    const models = (await (await fetch(`${t.baseURL}/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]?.id, 'scripted-teacher');
    assert.deepEqual(t.requests.map((r) => r.step), ['status', 'no-tags', 'invalid']);
  } finally {
    await t.close();
  }
});

test('a hung request is released when the server closes; everyNth injects a fault periodically', async () => {
  const t = await startScriptedTeacher({ script: everyNth(2, { kind: 'hang' }) });
  const ok = await post(t.baseURL, GEN);
  assert.equal(ok.status, 200);
  const hung = fetch(`${t.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify(GEN) }).then(() => 'answered', () => 'dropped');
  while (t.count < 2) await new Promise((r) => setTimeout(r, 5));
  await t.close();
  assert.equal(await hung, 'dropped');
});

test('deterministicInstructions is a pure function giving distinct items', () => {
  const a = deterministicInstructions('k', 20);
  assert.deepEqual(a, deterministicInstructions('k', 20));
  assert.equal(new Set(a).size, 20);
});
