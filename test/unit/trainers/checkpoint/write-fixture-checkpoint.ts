/**
 * Writes a checkpoint of the gpt2-tiny fixture with our `saveCheckpoint`, for bench/trainer/hf_check_store.py
 * to open with `transformers`. Usage: node test/unit/trainers/checkpoint/write-fixture-checkpoint.ts ROOT [STEP]
 * Prints one JSON line {"dir": …}.
 */
import { saveCheckpoint } from '../../../../trainers/checkpoint/store.ts';
import { fixtureParts } from './helpers.ts';

const [root, step = '1'] = process.argv.slice(2);
if (root === undefined) {
  console.error('usage: write-fixture-checkpoint.ts ROOT [STEP]');
  process.exit(2);
}
const saved = await saveCheckpoint(root, Number(step), await fixtureParts(Number(step)));
console.log(JSON.stringify({ dir: saved.dir }));
