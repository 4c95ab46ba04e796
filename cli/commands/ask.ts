/**
 * `lamini ask`: one instruction answered by a student (either family) from a checkpoint or any Hugging Face
 * GPT-2 or T5 folder, through the student interface (trainers/student-model).
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { alpacaPrompt } from '../../trainers/prompt.ts';
import { openStudent } from '../../trainers/student-model/index.ts';
import { backendOption, intOption, numberOption, parse, stringOption } from '../args.ts';
import { HELP } from '../help.ts';

/** The `stopped` words of --json (kept from before finish_reason was added). */
const STOPPED = { eos: 'end-token', stop: 'stop-sequence', length: 'max-tokens' } as const;

export async function askCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    checkpoint: { type: 'string' }, input: { type: 'string' }, 'max-tokens': { type: 'string' },
    temperature: { type: 'string' }, 'top-p': { type: 'string' }, seed: { type: 'string' },
    'no-wrapper': { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' }, stream: { type: 'boolean' },
  }, 'ask');
  if (values.help === true) {
    process.stdout.write(`${HELP['ask']}\n`);
    return 0;
  }
  const instruction = positionals.join(' ').trim();
  if (instruction === '') throw new LaminiError(ErrorCodes.USAGE, 'give the instruction to answer (see "lamini ask --help")');
  const where = stringOption(values, 'checkpoint');
  if (where === undefined) throw new LaminiError(ErrorCodes.USAGE, '--checkpoint DIR is required (see "lamini ask --help")');
  const backend = backendOption(values);
  const temperature = numberOption(values, 'temperature') ?? 0;
  const topP = numberOption(values, 'top-p') ?? 1;
  if (temperature < 0) throw new LaminiError(ErrorCodes.USAGE, '--temperature must be >= 0');
  if (!(topP > 0 && topP <= 1)) throw new LaminiError(ErrorCodes.USAGE, '--top-p must be in (0, 1]');
  const json = values.json === true;
  const stream = values.stream === true && !json;

  const student = await openStudent(where, { backend, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const input = stringOption(values, 'input') ?? '';
    const prompt = values['no-wrapper'] === true ? [instruction, input].filter((s) => s !== '').join('\n') : alpacaPrompt({ instruction, input });
    const answer = await student.generate(prompt, {
      maxNewTokens: intOption(values, 'max-tokens', 1) ?? 128,
      temperature,
      topP,
      seed: intOption(values, 'seed', 0) ?? 1,
      ...(stream ? { onToken: (text: string) => process.stdout.write(text) } : {}),
    });
    if (json) {
      process.stdout.write(`${JSON.stringify({
        response: answer.text, tokens: answer.tokens, stopped: STOPPED[answer.finishReason], finish_reason: answer.finishReason,
        family: student.family, checkpoint: student.dir,
      })}\n`);
    } else {
      process.stdout.write(stream ? '\n' : `${answer.text.trim()}\n`);
    }
    return 0;
  } finally {
    student.dispose();
  }
}
