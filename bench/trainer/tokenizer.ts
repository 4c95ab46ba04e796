/**
 * The students' byte-level BPE: training time on generated instruction-like text (default 30 MB, vocab 4096) and
 * encode throughput, with `@huggingface/tokenizers` encoding the same text with the same tokenizer.json as the
 * reference measured in the same run (interleaved). Fixed iterations; one JSON line.
 * `--lexicon` sets how many distinct made-up words the text draws on (real text has hundreds of thousands).
 *   node bench/trainer/tokenizer.ts [--mb 30] [--vocab 4096] [--lexicon 200000] [--iterations 3] [--encode-mb 4]
 */
import { loadavg } from 'node:os';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { parseTokenizerJson, trainByteLevelBpe } from '../../trainers/tokenizer/index.ts';
import { InstructionText } from '../../test/fixtures/tokenizer/text.ts';
import { arg, median, report } from '../dedup/common.ts';

const mb = Number(arg('mb', '30'));
const vocabSize = Number(arg('vocab', '4096'));
const iterations = Number(arg('iterations', '3'));
const encodeMb = Number(arg('encode-mb', '4'));
const lexiconSize = Number(arg('lexicon', '200000'));
const loadBefore = loadavg();

const texts = [...new InstructionText(42, lexiconSize).examples(mb * 1e6)];
const chars = texts.reduce((n, t) => n + t.length, 0);
// Held-out text for encoding: another seed, so the cache starts cold on words never seen in training.
const heldOut = [...new InstructionText(43, lexiconSize).examples(encodeMb * 1e6)];

const trainSeconds: number[] = [];
let json = '';
for (let i = 0; i < iterations; i++) {
  const start = performance.now();
  json = trainByteLevelBpe(texts, { vocabSize }).toJson();
  trainSeconds.push((performance.now() - start) / 1000);
}

const ours: number[] = [];
const hf: number[] = [];
let tokens = 0;
for (let i = 0; i < iterations; i++) {
  // A fresh tokenizer each time: its word cache starts empty.
  const tokenizer = parseTokenizerJson(json, 'bench');
  let start = performance.now();
  tokens = 0;
  for (const text of heldOut) tokens += tokenizer.encode(text).length;
  ours.push(tokens / ((performance.now() - start) / 1000));

  const reference = new HfTokenizer(JSON.parse(json), {});
  start = performance.now();
  let hfTokens = 0;
  for (const text of heldOut) hfTokens += reference.encode(text, { add_special_tokens: false }).ids.length;
  hf.push(hfTokens / ((performance.now() - start) / 1000));
  if (hfTokens !== tokens) throw new Error(`token counts differ: ours ${tokens}, @huggingface/tokenizers ${hfTokens}`);
}

const heldOutChars = heldOut.reduce((n, t) => n + t.length, 0);
report(
  'trainer.tokenizer',
  {
    params: { train_chars: chars, train_texts: texts.length, lexicon: lexiconSize, vocab_size: vocabSize, min_frequency: 2, encode_chars: heldOutChars, iterations },
    train_s: Math.round(median(trainSeconds) * 100) / 100,
    train_s_all: trainSeconds.map((s) => Math.round(s * 100) / 100),
    encode_tokens_per_s: Math.round(median(ours)),
    reference_hf_js_encode_tokens_per_s: Math.round(median(hf)),
    chars_per_token: Math.round((heldOutChars / tokens) * 100) / 100,
    rss_mb: Math.round(process.memoryUsage().rss / 1e6),
  },
  loadBefore,
);
