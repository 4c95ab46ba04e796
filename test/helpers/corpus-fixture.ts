/**
 * Real corpora for trainer tests and benchmarks, written through the corpus writer (openCorpus().commit):
 * one commit per shard, varied instruction and response text, every fifth example with a non-empty input
 * (joined into the instruction as `instruction : input`, as the corpus stores it).
 */
import type { Manifest } from '../../corpus/manifest.ts';
import { openCorpus } from '../../corpus/corpus.ts';
import type { Example } from '../../schemas/types.ts';
import { example } from '../unit/corpus/fixtures.ts';

export type ExampleText = Partial<Pick<Example, 'instruction' | 'input' | 'response' | 'instruction_source'>>;

export interface MakeCorpusOptions {
  /** Examples in all, numbered 1..examples. */
  examples: number;
  /** Rows per shard (one commit each); the last shard takes the rest. */
  perShard: number;
  /** Text fields for example n (the defaults fill what it leaves out). */
  textFor?: (n: number) => ExampleText;
}

const WORDS = (
  'river stone light paper glass cloud orange quick slow bright music garden winter harbour lantern copper ' +
  'meadow signal thunder velvet pocket compass ladder marble season window candle forest engine island'
).split(' ');
const SOURCES = ['self_instruct_with_topic', 'self_instruct_without_topic', 'generated_p3', 'generated_flan', 'alpaca'];
const VERBS = ['Describe', 'List', 'Explain', 'Summarise', 'Compare', 'Write a poem about'];

/** `count` words picked by a small hash of (n, salt): the same n always gives the same text. */
function words(n: number, salt: number, count: number): string {
  const out: string[] = [];
  let h = (Math.imul(n, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < count; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    out.push(WORDS[h % WORDS.length]!);
  }
  return out.join(' ');
}

/** The default text of example n. */
export function defaultText(n: number): Required<ExampleText> {
  const base = `${VERBS[n % VERBS.length]} ${words(n, 1, 3 + (n % 9))} (${n}).`;
  const input = n % 5 === 0 ? words(n, 2, 2 + (n % 4)) : '';
  return {
    instruction: input === '' ? base : `${base} : ${input}`,
    input,
    response: `${words(n, 3, 5 + (n % 23))}.`,
    instruction_source: SOURCES[n % SOURCES.length]!,
  };
}

/** Example n (id `ex0001` style) with the given or default text. */
export function corpusExample(n: number, textFor?: (n: number) => ExampleText): Example {
  return example(n, { ...defaultText(n), ...textFor?.(n) });
}

/** Write examples 1..examples in shards of perShard rows; returns the last manifest. */
export async function makeCorpus(dataDir: string, options: MakeCorpusOptions): Promise<Manifest> {
  const corpus = await openCorpus(dataDir);
  try {
    let manifest = corpus.manifest();
    for (let first = 1; first <= options.examples; first += options.perShard) {
      const last = Math.min(options.examples, first + options.perShard - 1);
      const examples: Example[] = [];
      for (let n = first; n <= last; n++) examples.push(corpusExample(n, options.textFor));
      manifest = await corpus.commit({ examples });
    }
    return manifest;
  } finally {
    await corpus.close();
  }
}

/** Commit one more shard of these examples; returns the new manifest. */
export async function appendShard(dataDir: string, examples: readonly Example[]): Promise<Manifest> {
  const corpus = await openCorpus(dataDir);
  try {
    return await corpus.commit({ examples });
  } finally {
    await corpus.close();
  }
}
