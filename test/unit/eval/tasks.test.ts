/** The task format: the three kinds, ids, and every problem of a bad file reported with its line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isLaminiError, type LaminiError } from '../../../common/errors.ts';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTask, readTask } from '../../../eval/tasks/index.ts';

test('multiple choice, partial and generation lines parse; ids default to the item number', () => {
  const mc = parseTask('{"context":"Q?","choices":["a","b"],"gold":1}\n\n{"id":7,"context":"R?","choices":["x","y","z"],"gold":0,"extra":true}\n', 'mc', 'h');
  assert.equal(mc.kind, 'choice');
  assert.deepEqual(mc.items, [
    { kind: 'choice', id: '1', context: 'Q?', choices: ['a', 'b'], gold: 1 },
    { kind: 'choice', id: '7', context: 'R?', choices: ['x', 'y', 'z'], gold: 0 },
  ]);
  const partial = parseTask('{"contexts":["A x","A y"],"continuation":"end.","gold":1}', 'wg', 'h');
  assert.deepEqual(partial.items, [{ kind: 'partial', id: '1', contexts: ['A x', 'A y'], continuation: 'end.', gold: 1 }]);
  const gen = parseTask('{"prompt":"Say hi","reference":"hi"}\n{"prompt":"Two","reference":["2","two"]}', 'gen', 'h');
  assert.deepEqual(gen.items.map((i) => (i.kind === 'generation' ? i.references : [])), [['hi'], ['2', 'two']]);
});

test('a bad file is TASK_INVALID with every problem and its line', () => {
  const text = [
    '{"context":"Q?","choices":["a","b"],"gold":2}',
    'not json',
    '{"context":"Q?","choices":["a"],"gold":0}',
    '{"prompt":"P","reference":"r"}',
    '{"question":"?"}',
  ].join('\n');
  assert.throws(() => parseTask(text, 'bad', 'h', 'bad.jsonl'), (e: unknown) => {
    assert.ok(isLaminiError(e, ErrorCodes.TASK_INVALID));
    const problems = (e as LaminiError).details['problems'];
    assert.deepEqual(problems, [
      'line 1: "gold" must be an integer from 0 to 1',
      'line 2: not JSON',
      'line 3: "choices" must be a list of at least two strings',
      'line 5: needs "context" and "choices" (multiple choice), "contexts" and "continuation" (partial), or "prompt" and "reference" (generation)',
    ]);
    return /bad\.jsonl is not a valid task file/.test(e.message);
  });
  assert.throws(() => parseTask('{"context":"Q","choices":["a","b"],"gold":0}\n{"prompt":"P","reference":"r"}', 'mixed', 'h'),
    /line 2: a generation item in a file of choice items/);
  assert.throws(() => parseTask('\n\n', 'empty', 'h'), /no items/);
});

test('the task files shipped in data/tasks are valid, one of each kind', async () => {
  const dir = fileURLToPath(new URL('../../../data/tasks/', import.meta.url));
  const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  const kinds = new Map<string, string>();
  for (const name of names) {
    const task = await readTask(join(dir, name));
    assert.ok(task.items.length >= 4, `${name} has a few items`);
    kinds.set(task.name, task.kind);
  }
  assert.deepEqual(Object.fromEntries(kinds), {
    'arithmetic-mc': 'choice', 'capitals-gen': 'generation', 'colours-mc': 'choice', 'opposites-partial': 'partial',
  });
});
