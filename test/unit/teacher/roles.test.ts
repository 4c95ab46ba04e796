import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, loadConfig, redactConfig, roleTeacherConfig } from '../../../common/config.ts';
import { createRoleTeachers, teacherConfigFromAppConfig, TeacherLedger } from '../../../teacher/index.ts';

test('teacher.<role> overrides resolve over the shared teacher settings; apiKeyEnv reads the named variable', () => {
  const c = loadConfig({
    env: { OPENAI_API_KEY: 'sk-shared', OTHER: 'sk-other' },
    flags: { 'teacher.response.baseUrl': 'http://b/v1', 'teacher.response.apiKeyEnv': 'OTHER', 'teacher.response.maxTokens': 99, 'teacher.instruction.temperature': 1.1 },
  });
  const i = roleTeacherConfig(c.teacher, 'instruction');
  const r = roleTeacherConfig(c.teacher, 'response');
  assert.equal(i.apiKey, 'sk-shared');
  assert.equal(i.temperature, 1.1);
  assert.equal(i.generateMaxTokens, 512);
  assert.equal(r.baseUrl, 'http://b/v1');
  assert.equal(r.apiKey, 'sk-other');
  assert.equal(r.respondMaxTokens, 99);
  assert.equal(r.temperature, 0.7);
  assert.equal(redactConfig(c).teacher.response.apiKey, '***');
});

test('one teacher unless the roles differ in client or budget; two servers get two budgets and one ledger', async () => {
  const t = defaultConfig().teacher;
  t.baseUrl = 'http://127.0.0.1:9/v1';
  const ledger = new TeacherLedger();
  const of = (c: typeof t) => teacherConfigFromAppConfig(c, 1);
  const one = await createRoleTeachers(of(roleTeacherConfig(t, 'instruction')), of(roleTeacherConfig({ ...t, response: { temperature: 0 } }, 'response')), { ledger });
  assert.equal(one.instruction, one.response, 'a temperature override needs no second teacher');
  t.response = { baseUrl: 'http://127.0.0.1:10/v1', model: 'other' };
  const two = await createRoleTeachers(of(roleTeacherConfig(t, 'instruction')), of(roleTeacherConfig(t, 'response')), { ledger });
  assert.notEqual(two.instruction, two.response);
  assert.notEqual(two.instruction.budget, two.response.budget);
  assert.equal(two.instruction.ledger, ledger);
  assert.equal(two.response.ledger, ledger);
  assert.equal(two.response.model, 'other');
});
