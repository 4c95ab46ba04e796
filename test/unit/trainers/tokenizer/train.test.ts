/**
 * Training: merges identical to HF's own BpeTrainer (recorded from Python `tokenizers` in hf-merges.json) and to a
 * naive trainer that recounts every pair before each merge (the incremental counts must never drift from a full
 * recount); deterministic output; GPT-2's vocabulary layout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ErrorCodes, isLaminiError } from '../../../../common/errors.ts';
import { trainByteLevelBpe } from '../../../../trainers/tokenizer/index.ts';
import { BYTE_SYMBOL_ORDER, BYTE_TO_SYMBOL } from '../../../../trainers/tokenizer/byte-level.ts';
import { countWords } from '../../../../trainers/tokenizer/train.ts';
import { learnMerges } from '../../../../trainers/tokenizer/learn-merges.ts';
import { InstructionText, prng } from '../../../fixtures/tokenizer/text.ts';
import { parityStrings } from '../../../fixtures/tokenizer/strings.ts';
import { HF_MERGES_JOB, hfMergesCorpus } from '../../../fixtures/tokenizer/hf-merges-corpus.ts';

interface Model {
  model: { vocab: Record<string, number>; merges: string[] };
  added_tokens: { id: number; content: string }[];
}

const texts = [...new InstructionText(9).examples(150_000), ...parityStrings(50, 3)];

/** The textbook algorithm: recount all pairs, merge the most frequent (ties: smaller ids), repeat. */
function naiveMerges(wordCounts: ReadonlyMap<string, number>, maxTokens: number, minFrequency: number): string[] {
  const tokens = BYTE_SYMBOL_ORDER.map((b) => BYTE_TO_SYMBOL[b] ?? '');
  const ids = new Map(tokens.map((t, i) => [t, i]));
  const byteId = new Map(BYTE_SYMBOL_ORDER.map((b, i) => [b, i]));
  const words = [...wordCounts].map(([w, c]) => ({ symbols: Array.from(new TextEncoder().encode(w), (b) => byteId.get(b) ?? -1), count: c }));
  const merged = new Set<string>();
  const merges: string[] = [];
  while (tokens.length < maxTokens) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]},${symbols[i + 1]}`;
        if (!merged.has(key)) counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: [number, number, number] | undefined;
    for (const [key, count] of counts) {
      const [a = 0, b = 0] = key.split(',').map(Number);
      if (best === undefined || count > best[2] || (count === best[2] && (a < best[0] || (a === best[0] && b < best[1])))) best = [a, b, count];
    }
    if (best === undefined || best[2] < minFrequency) break;
    const [a, b] = best;
    merged.add(`${a},${b}`);
    const text = (tokens[a] ?? '') + (tokens[b] ?? '');
    let id = ids.get(text);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(text);
      ids.set(text, id);
    }
    merges.push(`${tokens[a]} ${tokens[b]}`);
    for (const word of words) {
      const out: number[] = [];
      for (let i = 0; i < word.symbols.length; i++) {
        if (word.symbols[i] === a && word.symbols[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(word.symbols[i] ?? -1);
      }
      word.symbols = out;
    }
  }
  return merges;
}

test("merges equal those HF's BpeTrainer learns from the same texts (Python tokenizers, recorded)", () => {
  const recorded: { tokenizers: string; merges: string[] } = JSON.parse(
    readFileSync(new URL('../../../fixtures/tokenizer/hf-merges.json', import.meta.url), 'utf8'),
  );
  const ours = trainByteLevelBpe(hfMergesCorpus(), { vocabSize: HF_MERGES_JOB.vocab_size, minFrequency: HF_MERGES_JOB.min_frequency });
  const merges: string[] = JSON.parse(ours.toJson()).model.merges;
  assert.equal(merges.length, HF_MERGES_JOB.vocab_size - 257);
  assert.deepEqual(merges, recorded.merges);
});

test('merges equal those of a naive full-recount trainer, on prose and on small alphabets with long runs', () => {
  const corpora: string[][] = [texts.slice(0, 300)];
  for (let seed = 1; seed <= 6; seed++) {
    const rnd = prng(seed);
    const corpus: string[] = [];
    for (let i = 0; i < 200; i++) {
      let s = '';
      const n = 1 + Math.floor(rnd() * 20);
      for (let k = 0; k < n; k++) s += ['a', 'b', 'aa', ' ', 'é', '  '][Math.floor(rnd() * 6)];
      corpus.push(s);
    }
    corpora.push(corpus);
  }
  for (const [i, corpus] of corpora.entries()) {
    const words = countWords(corpus);
    for (const minFrequency of [1, 3]) {
      const learned = learnMerges(words, 480, minFrequency);
      const ours = learned.merges.map(([a, b]) => `${learned.tokens[a]} ${learned.tokens[b]}`);
      const expected = naiveMerges(words, 480, minFrequency);
      assert.ok(expected.length > 20, `corpus ${i} learns only ${expected.length} merges`);
      assert.deepEqual(ours, expected, `corpus ${i}, minFrequency ${minFrequency}`);
    }
  }
});

test('the same texts give an identical tokenizer.json, in any order', () => {
  const a = trainByteLevelBpe(texts, { vocabSize: 800 }).toJson();
  const b = trainByteLevelBpe(texts, { vocabSize: 800 }).toJson();
  const reversed = trainByteLevelBpe([...texts].reverse(), { vocabSize: 800 }).toJson();
  assert.equal(b, a);
  assert.equal(reversed, a);
  assert.notEqual(trainByteLevelBpe(texts.slice(1), { vocabSize: 800 }).toJson(), a);
});

test("the vocabulary is laid out as GPT-2's: bytes in GPT-2 order, merges in rank order, <|endoftext|> last", () => {
  const tokenizer = trainByteLevelBpe(texts, { vocabSize: 500 });
  const json: Model = JSON.parse(tokenizer.toJson());
  const byId = Object.entries(json.model.vocab).sort((x, y) => x[1] - y[1]);
  assert.deepEqual(byId.map(([, id]) => id), [...Array(500).keys()]);
  assert.deepEqual(byId.slice(0, 4).map(([t]) => t), ['!', '"', '#', '$']);
  assert.deepEqual(byId.slice(254, 256).map(([t]) => t), ['ł', 'Ń']); // GPT-2's ids 254, 255
  assert.equal(json.model.vocab['Ġ'], 220); // the space byte, as in GPT-2
  assert.equal(tokenizer.eosId, 499);
  assert.deepEqual(json.added_tokens.map((t) => [t.id, t.content]), [[499, '<|endoftext|>']]);
  // Each merge's result is the next new id.
  json.model.merges.forEach((merge, rank) => assert.equal(json.model.vocab[merge.replace(' ', '')], 256 + rank));
  assert.equal(json.model.merges.length, 500 - 257);
});

test('minFrequency stops merging at rare pairs; a tiny corpus yields a smaller vocabulary', () => {
  const tiny = trainByteLevelBpe(['abab abab', 'xyz'], { vocabSize: 1000 });
  const merges = (t: { toJson(): string }): string[] => (JSON.parse(t.toJson()) as Model).model.merges;
  // Words "abab" and " abab" once each, "xyz" once: only "a b" (4) and "ab ab" (2) occur twice.
  assert.deepEqual(merges(tiny), ['a b', 'ab ab']);
  assert.equal(tiny.vocabSize, 259);
  assert.equal(tiny.eosId, 258);
  // With every pair allowed, ties at count 1 go to the smaller ids: x=87, y=88 before Ġ=220, abab=257.
  assert.deepEqual(merges(trainByteLevelBpe(['abab abab', 'xyz'], { vocabSize: 1000, minFrequency: 1 })), ['a b', 'ab ab', 'x y', 'Ġ abab', 'xy z']);
  assert.deepEqual(merges(trainByteLevelBpe(['abab abab', 'xyz'], { vocabSize: 1000, minFrequency: 5 })), []);
});

test('<|endoftext|> in training text is cut out, never learned from', () => {
  const tokenizer = trainByteLevelBpe(Array(50).fill('<|endoftext|><|endoftext|>'), { vocabSize: 300, minFrequency: 1 });
  assert.equal(tokenizer.vocabSize, 257);
});

test('bad options are CONFIG_INVALID', () => {
  for (const options of [{ vocabSize: 256 }, { vocabSize: 1000.5 }, { vocabSize: 1000, minFrequency: 0 }]) {
    assert.throws(() => trainByteLevelBpe(texts, options), (e: unknown) => isLaminiError(e, ErrorCodes.CONFIG_INVALID));
  }
});
