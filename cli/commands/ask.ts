/** `lamini ask`: one instruction answered by a student from a checkpoint or any Hugging Face GPT-2 folder. */
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { backendCapabilities, ensureBackend, selectBackend } from '../../trainers/backend/index.ts';
import { latestCheckpoint } from '../../trainers/checkpoint/index.ts';
import { generate } from '../../trainers/generate.ts';
import { Gpt2 } from '../../trainers/model/gpt2.ts';
import { alpacaPrompt } from '../../trainers/prompt.ts';
import { studentFromInit } from '../../trainers/student.ts';
import { backendOption, intOption, numberOption, parse, stringOption } from '../args.ts';
import { HELP } from '../help.ts';

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    checkpoint: { type: 'string' }, input: { type: 'string' }, 'max-tokens': { type: 'string' },
    temperature: { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' },
    'no-wrapper': { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' },
  }, 'ask');
  if (values.help === true) {
    process.stdout.write(`${HELP['ask']}\n`);
    return 0;
  }
  const instruction = positionals.join(' ').trim();
  if (instruction === '') throw new LaminiError(ErrorCodes.USAGE, 'give the instruction to answer (see "lamini ask --help")');
  const where = stringOption(values, 'checkpoint');
  if (where === undefined) throw new LaminiError(ErrorCodes.USAGE, '--checkpoint DIR is required (see "lamini ask --help")');
  const choice = backendOption(values);
  const temperature = numberOption(values, 'temperature') ?? 0;
  const topP = numberOption(values, 'top-p') ?? 1;
  if (temperature < 0) throw new LaminiError(ErrorCodes.USAGE, '--temperature must be >= 0');
  if (!(topP > 0 && topP <= 1)) throw new LaminiError(ErrorCodes.USAGE, '--top-p must be in (0, 1]');

  const dir = await modelFolder(where);
  await ensureBackend(choice, { log: (line) => process.stderr.write(`${line}\n`) });
  const selected = await selectBackend(choice);
  const student = await studentFromInit(dir);
  const model = new Gpt2(student.config, student.weights, {
    embedding: backendCapabilities(selected.name).gatherGradient ? 'gather' : 'one-hot',
  });
  try {
    const input = stringOption(values, 'input') ?? '';
    const prompt = values['no-wrapper'] === true ? [instruction, input].filter((s) => s !== '').join('\n') : alpacaPrompt({ instruction, input });
    const answer = await generate(model, student.tokenizer, prompt, {
      maxTokens: intOption(values, 'max-tokens', 1) ?? 128,
      temperature,
      topP,
      seed: intOption(values, 'seed', 0) ?? 1,
    });
    process.stdout.write(values.json === true
      ? `${JSON.stringify({ response: answer.text, tokens: answer.tokens, stopped: answer.stopped, checkpoint: dir })}\n`
      : `${answer.text.trim()}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

/** A folder with config.json is used as it is; otherwise it is a checkpoints root and its latest is used. */
async function modelFolder(where: string): Promise<string> {
  if (await isFile(join(where, 'config.json'))) return where;
  const latest = await latestCheckpoint(where);
  if (latest === undefined) {
    throw new LaminiError(ErrorCodes.FILE_NOT_FOUND, `${where} is neither a model folder (no config.json) nor a folder of checkpoints`, {
      details: { path: where },
    });
  }
  return latest.dir;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
