import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MinHashIndex, Shingler, canonicalShingles, canonicalTokens, chooseBands, createSigner, resolveMinHashConfig,
} from '../../../operators/dedup/minhash/index.ts';
import { fmix32 } from '../../../operators/dedup/minhash/mix.ts';
import { editedCorpus, exactKeepFirst } from './corpus.ts';

const decide = (index: MinHashIndex, texts: string[]): Array<string | undefined> => texts.map((t, i) => index.offer(String(i), t)?.id);

test('the ASCII scanner and the Unicode path give the same shingle hashes', () => {
  const sh = new Shingler(3, 1);
  let s = 3;
  for (let k = 0; k < 300; k++) {
    let text = '';
    const len = k % 40;
    for (let i = 0; i < len; i++) {
      s = fmix32(s + i);
      text += ' aZ09_-.,\t\n!Qq'[(s >>> 0) % 15];
    }
    const ascii = Array.from(sh.hashes.subarray(0, sh.shingle(text)));
    // U+00A0 is not ASCII (so the Unicode path runs) and NFKC makes it a space, a separator.
    const unicode = Array.from(sh.hashes.subarray(0, sh.shingle(`${text}\u00a0`)));
    assert.deepEqual(ascii, unicode, JSON.stringify(text));
    assert.equal(ascii.length, Math.max(1, canonicalTokens(text).length - 2));
  }
});

test('every n-gram size, and texts long enough to grow the buffers: ASCII scan = Unicode path', () => {
  let s = 11;
  const word = (): string => {
    s = fmix32(s + 1);
    return 'abcXYZ0123'.slice(0, 1 + ((s >>> 0) % 9));
  };
  for (const ngram of [1, 2, 3, 4, 5]) {
    const sh = new Shingler(ngram, 2);
    for (const words of [0, 1, 2, 3, 4, 5, 40, 300, 1200, 3000]) {
      const text = Array.from({ length: words }, word).join(words % 2 ? ' ' : ', ');
      const n = sh.shingle(text);
      const ascii = Array.from(sh.hashes.subarray(0, n));
      const unicode = Array.from(sh.hashes.subarray(0, sh.shingle(`${text}\u00a0`)));
      assert.deepEqual(ascii, unicode, `${ngram}-grams, ${words} words`);
      assert.equal(n, Math.max(1, words - ngram + 1));
    }
  }
});

test('short and empty texts: one shingle of all their tokens, the empty shingle, exact dedup', () => {
  const index = new MinHashIndex();
  const d = decide(index, ['Hello', 'hello!', 'Hello world', 'hello, WORLD', '', '  ... ', 'hello world again', 'world']);
  assert.deepEqual(d, [undefined, '0', undefined, '2', undefined, '4', undefined, undefined]);
  assert.deepEqual([...canonicalShingles('', 3)], ['']);
  assert.deepEqual([...canonicalShingles('a b', 3)], ['a b']);
});

test('repeated shingles count once: the exact Jaccard equals the canonical sets\' Jaccard', () => {
  const pairs = [
    ['the cat sat on the mat the cat sat on the mat and then the cat sat', 'the cat sat on the mat and then the cat sat on the mat'],
    ['a b c a b c a b c d', 'a b c d a b c'],
    ['one two three four five six', 'one two three four five six seven'],
  ];
  for (const [x, y] of pairs) {
    const sx = canonicalShingles(x!, 3);
    const sy = canonicalShingles(y!, 3);
    let inter = 0;
    for (const s of sx) if (sy.has(s)) inter++;
    const index = new MinHashIndex({ threshold: 0.01 });
    index.insert('x', x!);
    assert.equal(index.match(y!)?.jaccard, inter / (sx.size + sy.size - inter), `${x} / ${y}`);
  }
});

test('Unicode: NFKC and lower case before tokenising; letters and digits of any script are tokens', () => {
  assert.deepEqual(canonicalTokens('Ｆｕｌｌ ﬁnal Straße ΣΟΦΊΑ Москва 東京 ٣٤'), ['full', 'final', 'straße', 'σοφία', 'москва', '東京', '٣٤']);
  const index = new MinHashIndex();
  const d = decide(index, [
    'Ｔｈｅ ﬁnal answer is ４２ in Москва today',
    'the final answer is 42 in москва today',
    '東京 タワー の 高さ は 何 メートル です か',
    '東京 タワー の 高さ は 何 メートル です か ？',
    '東京 スカイツリー の 高さ は 何 メートル です か',
  ]);
  assert.deepEqual(d, [undefined, '0', undefined, '2', undefined]);
});

test('keep-first decisions equal the exact reference on an edited corpus, both signature modes', () => {
  const records = editedCorpus(400, 40);
  const truth = exactKeepFirst(records);
  assert.ok(truth.size > 80, `the corpus has duplicates (${truth.size})`);
  for (const signature of ['classic', 'fast'] as const) {
    const index = new MinHashIndex({ signature });
    const got = new Map<string, string>();
    for (const r of records) {
      const m = index.offer(r.id, r.text);
      if (m !== undefined) got.set(r.id, m.id);
    }
    assert.deepEqual(got, truth, signature);
  }
});

test('determinism: the same seed gives the same decisions; another seed decides by the same definition', () => {
  const texts = editedCorpus(200, 30, 11).map((r) => r.text);
  const a = decide(new MinHashIndex({ seed: 5 }), texts);
  const b = decide(new MinHashIndex({ seed: 5 }), texts);
  assert.deepEqual(a, b);
  const c = decide(new MinHashIndex({ seed: 6, signature: 'classic' }), texts);
  assert.deepEqual(c, a);
});

test('bands and rows come from the threshold; the config prints its parameters', () => {
  assert.deepEqual(chooseBands(0.7, 128), { bands: 32, rows: 4 });
  assert.equal(new MinHashIndex().name, '3ng_128perm_32b4r_t0.7');
  assert.equal(new MinHashIndex({ signature: 'classic', threshold: 0.8, seed: 9 }).name, '3ng_128perm_25b5r_t0.8_classic_s9');
  assert.throws(() => resolveMinHashConfig({ threshold: 1.5 }), /threshold/);
  assert.throws(() => resolveMinHashConfig({ bands: 20, rows: 7 }), /bands/);
});

test('fast signatures: RMSE of the Jaccard estimate within 1.15x of classic for J in [0.3, 0.9]', () => {
  const k = 128;
  const err = { classic: 0, fast: 0 };
  let pairs = 0;
  for (const size of [3, 10, 30, 100, 300]) {
    for (let t = 0; t < 150; t++) {
      const target = 0.3 + 0.6 * ((t * 0.618034) % 1);
      const inter = Math.round((2 * size * target) / (1 + target));
      const j = inter / (2 * size - inter);
      if (j < 0.3 || j > 0.9) continue;
      const base = (size * 1_000_003 + t * 7919) | 0;
      const a = Int32Array.from({ length: size }, (_, i) => fmix32(base + i));
      const b = Int32Array.from({ length: size }, (_, i) => (i < inter ? a[i]! : fmix32(base + 500_000 + i)));
      for (const mode of ['classic', 'fast'] as const) {
        const signer = createSigner(mode, k, 1);
        const sa = new Int32Array(k);
        const sb = new Int32Array(k);
        signer.sign(a, size, sa);
        signer.sign(b, size, sb);
        let same = 0;
        for (let p = 0; p < k; p++) if (sa[p] === sb[p]) same++;
        err[mode] += (same / k - j) ** 2;
      }
      pairs++;
    }
  }
  const classic = Math.sqrt(err.classic / pairs);
  const fast = Math.sqrt(err.fast / pairs);
  assert.ok(fast <= 1.15 * classic, `fast ${fast.toFixed(4)} vs classic ${classic.toFixed(4)}`);
});
