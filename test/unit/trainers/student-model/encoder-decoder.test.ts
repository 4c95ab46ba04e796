/**
 * The student interface on encoder-decoder students, against `transformers`: for the committed tiny T5 and T5 v1.1
 * folders (each with its own Unigram tokenizer), `openStudent` scores a continuation with the per-token
 * log-probabilities T5ForConditionalGeneration gives, batched as one by one, and answers greedily with the tokens
 * `model.generate` chose (test/fixtures/t5*\/student-reference.json, bench/trainer/hf_make_t5_tokenizer.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openStudent } from '../../../../trainers/student-model/index.ts';

interface StudentReference {
  context: string;
  encoder_ids: number[];
  scores: { continuation: string; ids: number[]; token_logprobs: number[]; is_greedy: boolean }[];
  greedy_ids: number[];
  greedy_text: string;
  ended: boolean;
}

for (const name of ['t5-tiny', 't5-v1_1-tiny']) {
  test(`${name}: scores and greedy answer match transformers`, async (t) => {
    const dir = fileURLToPath(new URL(`../../../fixtures/${name}/`, import.meta.url));
    const ref = JSON.parse(await readFile(`${dir}student-reference.json`, 'utf8')) as StudentReference;
    const student = await openStudent(dir, { backend: 'tensorflow' });
    t.after(() => student.dispose());
    assert.equal(student.family, 'encoder-decoder');
    assert.equal(student.maxContextTokens, 512);
    assert.deepEqual([...student.tokenizer.encode(ref.context), student.tokenizer.eosId], ref.encoder_ids);

    const batched = await student.scoreContinuations(ref.scores.map((s) => ({ context: ref.context, continuation: s.continuation })));
    for (const [i, expected] of ref.scores.entries()) {
      const one = await student.scoreContinuation(ref.context, expected.continuation);
      assert.deepEqual(one.tokenIds, expected.ids);
      assert.equal(one.isGreedy, expected.is_greedy);
      one.tokenLogprobs.forEach((lp, j) => assert.ok(Math.abs(lp - (expected.token_logprobs[j] ?? NaN)) < 1e-4, `${expected.continuation} token ${j}`));
      const total = expected.token_logprobs.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs((batched[i]?.logprob ?? NaN) - total) < 1e-3, `batched ${i}: ${batched[i]?.logprob} vs ${total}`);
    }

    const answer = await student.generate(ref.context, { maxNewTokens: ref.greedy_ids.length });
    assert.equal(answer.text, ref.greedy_text);
    assert.equal(answer.tokens, ref.greedy_ids.length);
    assert.equal(answer.finishReason, ref.ended ? 'eos' : 'length');
  });
}
