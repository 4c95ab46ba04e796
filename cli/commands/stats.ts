import { corpusStats, formatStats } from '../../corpus/index.ts';
import { parse } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export async function statsCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'stats');
  if (values.help === true) {
    process.stdout.write(`${HELP.stats}\n`);
    return 0;
  }
  const config = configFrom(values);
  const stats = await corpusStats(config.dataDir);
  process.stdout.write(values.json === true ? `${JSON.stringify(stats, null, 2)}\n` : `${formatStats(stats)}\n`);
  return 0;
}
