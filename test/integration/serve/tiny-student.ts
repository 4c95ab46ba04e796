/**
 * A tiny trained GPT-2 student for the serve and rate tests: a 16-example corpus, a few optimizer steps of the
 * `tiny` preset (seconds on one core), checkpoints under `<dir>/<name>`. Returns the checkpoints root.
 */
import { join } from 'node:path';
import { train } from '../../../trainers/trainer.ts';
import { makeCorpus } from '../../helpers/corpus-fixture.ts';
import { recordingHooks, trainOptions } from '../../unit/trainers/train-helpers.ts';

export async function trainTinyStudent(
  dir: string, options: { steps: number; seed?: number; name?: string; examples?: number; saveEvery?: number },
): Promise<string> {
  const data = join(dir, `corpus-${options.name ?? 'student'}`);
  await makeCorpus(data, { examples: options.examples ?? 16, perShard: 16 });
  const out = join(dir, options.name ?? 'student');
  await train(trainOptions(data, { out, steps: options.steps, batchSize: 16, evalPermille: 0, saveEvery: options.saveEvery ?? 1000, seed: options.seed ?? 1 }), recordingHooks());
  return out;
}
