/**
 * Our side of an encoder-decoder checkpoint, for bench/trainer/hf_check_t5.py to compare with `transformers`: the
 * ids our tokenizer gives a prompt (plus the end token) and a target (after the decoder start token), the decoder
 * logits for them, and a greedy answer through the student interface, as one JSON line.
 *
 *   node bench/trainer/t5-logits.ts --checkpoint DIR --text PROMPT --target TEXT [--max-new-tokens 8]
 */
import { parseArgs } from 'node:util';
import { readPretrainedT5 } from '../../trainers/checkpoint/index.ts';
import { T5 } from '../../trainers/model/t5.ts';
import { openStudent } from '../../trainers/student-model/index.ts';
import { tf } from '../../trainers/tf.ts';

const { values } = parseArgs({
  options: { checkpoint: { type: 'string' }, text: { type: 'string' }, target: { type: 'string' }, 'max-new-tokens': { type: 'string', default: '8' } },
});
if (values.checkpoint === undefined || values.text === undefined || values.target === undefined) {
  process.stderr.write('usage: node bench/trainer/t5-logits.ts --checkpoint DIR --text PROMPT --target TEXT\n');
  process.exit(2);
}
const student = await openStudent(values.checkpoint, { backend: 'tensorflow' });
const encoderIds = [...student.tokenizer.encode(values.text), student.tokenizer.eosId];
const { config, weights } = await readPretrainedT5(values.checkpoint);
const decoderIds = [config.decoderStartTokenId, ...student.tokenizer.encode(values.target)];
const model = new T5(config, weights, { embedding: 'gather' });
const logits = tf.tidy(() => model.logits(tf.tensor2d(encoderIds, [1, encoderIds.length], 'int32'), tf.tensor2d(decoderIds, [1, decoderIds.length], 'int32')));
const rows = (await logits.array()).map((row) => row.map((v) => Number(v.toPrecision(9))));
const generated = await student.generate(values.text, { maxNewTokens: Number(values['max-new-tokens']) });
process.stdout.write(`${JSON.stringify({ encoderIds, decoderIds, logits: rows, generated: generated.text, family: student.family })}\n`);
model.dispose();
student.dispose();
