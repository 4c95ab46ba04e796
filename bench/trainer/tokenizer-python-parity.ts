/**
 * Parity of the students' tokenizer with Python `tokenizers` (HF's Rust library), kept out of CI because it needs
 * a Python environment: encode ids and decode for our trained tokenizer.json and the derived GPT-2 one (parity
 * strings plus the U+0085/U+FEFF ones the JS references split differently), and whether HF's BpeTrainer learns
 * the same merges from the same texts. One JSON line.
 *   python3 -m venv /work/venv-tok && /work/venv-tok/bin/pip install tokenizers
 *   node bench/trainer/tokenizer-python-parity.ts [--python /work/venv-tok/bin/python] [--mb 5] [--vocab 4096]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTokenizerJson, trainByteLevelBpe } from '../../trainers/tokenizer/index.ts';
import { InstructionText } from '../../test/fixtures/tokenizer/text.ts';
import { ONIG_ONLY, parityStrings } from '../../test/fixtures/tokenizer/strings.ts';
import { gpt2TokenizerJson } from '../../test/fixtures/tokenizer/gpt2.ts';
import { arg, report } from '../dedup/common.ts';

const python = arg('python', '/work/venv-tok/bin/python');
const mb = Number(arg('mb', '5'));
const vocabSize = Number(arg('vocab', '4096'));
const loadBefore = loadavg();

const strings = [...parityStrings(500, 31), ...ONIG_ONLY];
const texts = [...new InstructionText(7, 50_000).examples(mb * 1e6), ...strings, ...strings];
const start = performance.now();
const ours = trainByteLevelBpe(texts, { vocabSize });
const oursTrainSeconds = Math.round((performance.now() - start) / 10) / 100;
const gpt2 = parseTokenizerJson(gpt2TokenizerJson(), 'derived GPT-2');
const oursJson = ours.toJson();
const merges: unknown = JSON.parse(oursJson).model.merges;

const dir = mkdtempSync(join(tmpdir(), 'lamini-tokenizer-parity-'));
try {
  const write = (name: string, value: unknown): void => writeFileSync(join(dir, name), JSON.stringify(value));
  writeFileSync(join(dir, 'ours.json'), oursJson);
  writeFileSync(join(dir, 'gpt2.json'), gpt2TokenizerJson());
  write('strings.json', strings);
  write('ours_ids.json', strings.map((s) => ours.encode(s)));
  write('gpt2_ids.json', strings.map((s) => gpt2.encode(s)));
  write('train.json', { texts, vocab_size: vocabSize, min_frequency: 2, merges });
  const script = fileURLToPath(new URL('./tokenizer_python_parity.py', import.meta.url));
  const result: unknown = JSON.parse(execFileSync(python, [script, dir], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  report('trainer.tokenizer.python-parity', { params: { train_chars: texts.reduce((n, t) => n + t.length, 0), vocab_size: vocabSize }, ours_train_s: oursTrainSeconds, result }, loadBefore);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
