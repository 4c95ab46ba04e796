import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { runQuery } from '../../corpus/index.ts';
import { parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

export async function queryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { format: { type: 'string' } }, 'query');
  if (values.help === true) {
    process.stdout.write(`${HELP.query}\n`);
    return 0;
  }
  const format = stringOption(values, 'format') ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new LaminiError(ErrorCodes.USAGE, `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  }
  if (positionals.length !== 1) throw new LaminiError(ErrorCodes.USAGE, 'give one SQL statement in quotes (see "lamini query --help")');
  const config = configFrom(values);
  const out = await runQuery(config.dataDir, positionals[0]!, { format: format as (typeof FORMATS)[number] });
  process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}
