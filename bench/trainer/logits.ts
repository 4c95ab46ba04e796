/**
 * Our logits for fixed token ids, from a checkpoint folder (or any Hugging Face GPT-2 folder), as one JSON line:
 * {"ids": [...], "logits": [[...], ...], "backend": "..."}. bench/trainer/hf_compare.py runs it and compares the
 * numbers with what `transformers` computes from the same folder.
 *
 *   node bench/trainer/logits.ts --checkpoint DIR --ids 1,2,3 [--backend auto|tensorflow|wasm|cpu]
 */
import { parseArgs } from 'node:util';
import { selectBackend, BACKEND_CHOICES, backendCapabilities } from '../../trainers/backend/index.ts';
import { readPretrainedGpt2 } from '../../trainers/checkpoint/index.ts';
import { Gpt2 } from '../../trainers/model/gpt2.ts';
import { tf } from '../../trainers/tf.ts';

const { values } = parseArgs({ options: { checkpoint: { type: 'string' }, ids: { type: 'string' }, backend: { type: 'string', default: 'auto' } } });
if (values.checkpoint === undefined || values.ids === undefined) {
  process.stderr.write('usage: node bench/trainer/logits.ts --checkpoint DIR --ids 1,2,3\n');
  process.exit(2);
}
const choice = BACKEND_CHOICES.find((c) => c === values.backend) ?? 'auto';
const backend = await selectBackend(choice);
const ids = values.ids.split(',').map((s) => Number(s.trim()));
const { config, weights } = await readPretrainedGpt2(values.checkpoint);
const model = new Gpt2(config, weights, { embedding: backendCapabilities(backend.name).gatherGradient ? 'gather' : 'one-hot' });
const logits = tf.tidy(() => model.logits(tf.tensor2d(ids, [1, ids.length], 'int32')));
const rows = (await logits.array()).map((row) => row.map((v) => Number(v.toPrecision(9))));
process.stdout.write(`${JSON.stringify({ ids, logits: rows, backend: backend.name })}\n`);
