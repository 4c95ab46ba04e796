import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { generateReport } from '../../report/index.ts';
import { parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' }, checkpoints: { type: 'string', multiple: true } }, 'report');
  if (values.help === true) {
    process.stdout.write(`${HELP.report}\n`);
    return 0;
  }
  const flagged = values.checkpoints;
  const checkpoints = Array.isArray(flagged) ? flagged : [];
  // `--checkpoints A B C`: the folders after the flag arrive as positionals.
  if (positionals.length > 0 && checkpoints.length === 0) {
    throw new LaminiError(ErrorCodes.USAGE, `unexpected argument "${positionals[0]}" (see "lamini report --help")`);
  }
  checkpoints.push(...positionals);
  const out = stringOption(values, 'out') ?? 'report.html';
  if (out.trim() === '') throw new LaminiError(ErrorCodes.USAGE, '--out must name a file');
  const config = configFrom(values);
  const report = await generateReport({ dataDir: config.dataDir, out, mix: config.generation.mix, checkpoints });
  const d = report.data;
  const mib = (report.bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `wrote ${report.path} (${mib} MiB) in ${(report.ms / 1000).toFixed(1)} s: ${d.latest.examples} examples, ` +
      `${d.training.runs.length} training run${d.training.runs.length === 1 ? '' : 's'}, ${d.evaluation.results.length} evaluation results, ` +
      `${d.evaluation.ratings.reduce((n, r) => n + r.count, 0)} ratings\n`,
  );
  for (const p of d.training.problems) process.stderr.write(`lamini report: skipped ${p.path}: ${p.message}\n`);
  return 0;
}
