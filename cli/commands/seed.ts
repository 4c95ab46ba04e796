/**
 * `lamini seed import`: seeds into the pool; each rejected record is reported on stderr and recorded
 * as a dead letter in the corpus (operator `seed_import`), so `lamini stats` counts it.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { contentId } from '../../common/hash.ts';
import { openCorpus } from '../../corpus/index.ts';
import { addSeeds, importSeeds, SEED_FORMATS, type SeedFormat, type FieldMap } from '../../seeds/index.ts';
import type { DeadLetter } from '../../schemas/types.ts';
import { parse, stringOption } from '../args.ts';
import { configFrom } from '../context.ts';
import { HELP } from '../help.ts';

const FIELDS = ['instruction', 'input', 'output', 'subset'] as const;

function fieldMap(raw: string[]): FieldMap {
  const map: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq);
    if (eq <= 0 || eq === item.length - 1 || !(FIELDS as readonly string[]).includes(key)) {
      throw new LaminiError(ErrorCodes.USAGE, `--field takes KEY=PATH with KEY one of ${FIELDS.join(', ')}, got "${item}"`);
    }
    map[key] = item.slice(eq + 1);
  }
  return map as FieldMap;
}

export async function seedCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    source: { type: 'string' }, subset: { type: 'string' }, format: { type: 'string' },
    field: { type: 'string', multiple: true },
  }, 'seed');
  if (values.help === true || positionals[0] !== 'import') {
    if (values.help !== true) throw new LaminiError(ErrorCodes.USAGE, 'usage: lamini seed import FILE --source NAME (see "lamini seed --help")');
    process.stdout.write(`${HELP.seed}\n`);
    return 0;
  }
  const file = positionals[1];
  if (file === undefined || positionals.length > 2) throw new LaminiError(ErrorCodes.USAGE, 'give one FILE to import');
  const source = stringOption(values, 'source');
  if (source === undefined) throw new LaminiError(ErrorCodes.USAGE, '--source NAME is required (self_instruct, p3, flan, alpaca or your own)');
  const format = stringOption(values, 'format');
  if (format !== undefined && !(SEED_FORMATS as readonly string[]).includes(format)) {
    throw new LaminiError(ErrorCodes.USAGE, `--format must be one of ${SEED_FORMATS.join(', ')}`);
  }
  const subset = stringOption(values, 'subset');
  const config = configFrom(values);
  const result = await importSeeds(file, {
    source,
    fieldMap: fieldMap((values.field as string[] | undefined) ?? []),
    ...(subset === undefined ? {} : { subset }),
    ...(format === undefined ? {} : { format: format as SeedFormat }),
  });
  const added = await addSeeds(config.dataDir, result.seeds);
  for (const r of result.rejected) process.stderr.write(`lamini: ${file}: ${r.message} [${r.reason}]\n`);
  if (result.rejected.length > 0) {
    const corpus = await openCorpus(config.dataDir);
    try {
      const now = Date.now();
      const deadLetters: DeadLetter[] = result.rejected.map((r) => ({
        id: contentId('seed_import', source, r.reason, String(r.line), r.raw),
        operator: 'seed_import', reason: r.reason, message: r.message, source_topic: `file:${file}`,
        source_partition: 0, source_offset: r.line, payload: new TextEncoder().encode(r.raw),
        task_number: -1, task_outputs: 0, created_at: now,
      }));
      await corpus.commit({ deadLetters });
    } finally {
      await corpus.close();
    }
  }
  const total = added.reduce((s, a) => s + a.added, 0);
  process.stdout.write(
    `imported ${result.seeds.length} seeds from ${file} as "${source}" (${total} new, ` +
    `${result.duplicates.length} duplicates collapsed, ${result.rejected.length} rejected)\n`,
  );
  return 0;
}
