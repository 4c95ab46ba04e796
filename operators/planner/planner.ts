/**
 * The planner: numbered generation tasks. Task k is a pure function of (run seed, k, seed pool,
 * topics, mix). Its mode comes from the mix weighted per task (a task asking for 20 instructions counts
 * 20 times less than a re-answered seed), picked by the golden-ratio sequence frac(k·φ) over the
 * cumulative weights, generating modes first: modes are spread evenly over task numbers (task 0
 * generates; a generating task comes every ~1/weight tasks) instead of clumping by chance, so even a
 * short run has the mix's proportions. Seeds and topics come from the counter RNG. Seeds are
 * re-answered once each, in a seeded order; once a family's seeds are all used, its share goes to the
 * generating modes. The only state is a cache of how many seed tasks precede k, rebuilt by replay.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import type { GenerationTask, Seed } from '../../schemas/types.ts';
import { isLongFamily, parseMixKey, type MixEntry } from './mix.ts';
import { permutation, sampleIndices, stringHash32, uniform } from './rng.ts';

export interface PlannerOptions {
  runSeed: number;
  seeds: readonly Seed[];
  topics: readonly string[];
  mix: Record<string, number>;
  instructionsPerPrompt: number;
  instructionsPerPromptLong: number;
  promptVersion: string;
}

interface WeightedEntry extends MixEntry {
  weight: number;
}

/** frac(k·φ): a low-discrepancy sequence in [0, 1). */
const GOLDEN = 0.6180339887498949;
const STREAM_FALLBACK = 2;
const STREAM_SEEDS = 3;
const STREAM_TOPICS = 4;
const STREAM_SUBSET = 5;
const STREAM_ORDER = 6;

export class Planner {
  readonly #options: PlannerOptions;
  readonly #byFamily = new Map<string, Seed[]>();
  readonly #entries: WeightedEntry[];
  readonly #generating: WeightedEntry[];
  readonly #order = new Map<string, number[]>();
  /** Seed tasks per family among tasks [0, #cachedUpTo). */
  readonly #seedTasksBefore = new Map<string, number>();
  #cachedUpTo = 0;

  constructor(options: PlannerOptions) {
    this.#options = options;
    const sorted = [...options.seeds].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const seed of sorted) {
      const list = this.#byFamily.get(seed.source) ?? [];
      list.push(seed);
      this.#byFamily.set(seed.source, list);
    }
    this.#entries = Object.entries(options.mix)
      .map(([key, share]) => ({ ...parseMixKey(key), weight: share }))
      .filter((e) => e.weight > 0 && (this.#byFamily.get(e.family)?.length ?? 0) > 0)
      .map((e) => ({ ...e, weight: e.weight / this.#outputsPerTask(e) }))
      .sort((a, b) => (a.mode === 'seed') === (b.mode === 'seed') ? (a.source < b.source ? -1 : 1) : a.mode === 'seed' ? 1 : -1);
    this.#generating = this.#entries.filter((e) => e.mode !== 'seed');
  }

  /** Mix entries that can run with this seed pool, with their per-task weights. */
  get entries(): readonly WeightedEntry[] {
    return this.#entries;
  }

  task(k: number): GenerationTask {
    const entry = this.#entryFor(k);
    if (entry === undefined) {
      throw new LaminiError(ErrorCodes.USAGE, 'nothing to plan: no entry of the generation mix has seeds in the pool');
    }
    return this.#build(k, entry);
  }

  /** False when no mix entry has seeds (nothing can be planned). */
  get canPlan(): boolean {
    return this.#entries.length > 0;
  }

  #outputsPerTask(e: MixEntry): number {
    if (e.mode === 'seed') return 1;
    return isLongFamily(e.family) ? this.#options.instructionsPerPromptLong : this.#options.instructionsPerPrompt;
  }

  #draw(k: number): WeightedEntry | undefined {
    return pick(this.#entries, (k * GOLDEN) % 1);
  }

  /** The entry of task k, after replacing exhausted seed entries; advances the seed-task cache. */
  #entryFor(k: number): WeightedEntry | undefined {
    if (k < this.#cachedUpTo) {
      this.#seedTasksBefore.clear();
      this.#cachedUpTo = 0;
    }
    while (this.#cachedUpTo < k) {
      const e = this.#resolve(this.#cachedUpTo);
      if (e?.mode === 'seed') this.#seedTasksBefore.set(e.family, (this.#seedTasksBefore.get(e.family) ?? 0) + 1);
      this.#cachedUpTo++;
    }
    return this.#resolve(k);
  }

  #resolve(k: number): WeightedEntry | undefined {
    const drawn = this.#draw(k);
    if (drawn?.mode !== 'seed') return drawn;
    const used = this.#seedTasksBefore.get(drawn.family) ?? 0;
    if (used < (this.#byFamily.get(drawn.family)?.length ?? 0)) return drawn;
    return pick(this.#generating, uniform(this.#options.runSeed, STREAM_FALLBACK, k));
  }

  #build(k: number, entry: WeightedEntry): GenerationTask {
    const seeds = this.#byFamily.get(entry.family) ?? [];
    const { runSeed } = this.#options;
    if (entry.mode === 'seed') {
      const order = this.#familyOrder(entry.family, seeds.length);
      const seed = seeds[order[this.#seedTasksBefore.get(entry.family) ?? 0]!]!;
      return this.#make(k, entry, [seed.id], []);
    }
    let pool = seeds;
    if (isLongFamily(entry.family)) {
      const subsets = [...new Set(seeds.map((s) => s.subset))].sort();
      const subset = subsets[sampleIndices(subsets.length, 1, runSeed, STREAM_SUBSET, k)[0]!]!;
      pool = seeds.filter((s) => s.subset === subset);
    }
    const chosen = sampleIndices(pool.length, 3, runSeed, STREAM_SEEDS, k).map((i) => pool[i]!.id);
    const topics = entry.mode === 'topic_guided'
      ? sampleIndices(this.#options.topics.length, 3, runSeed, STREAM_TOPICS, k).map((i) => this.#options.topics[i]!)
      : [];
    return this.#make(k, entry, chosen, topics);
  }

  #familyOrder(family: string, n: number): number[] {
    let order = this.#order.get(family);
    if (order === undefined) {
      order = permutation(n, this.#options.runSeed, STREAM_ORDER, stringHash32(family));
      this.#order.set(family, order);
    }
    return order;
  }

  #make(k: number, entry: MixEntry, seedIds: string[], topics: string[]): GenerationTask {
    return {
      task_number: k,
      mode: entry.mode,
      source: entry.family,
      seed_ids: seedIds,
      topics,
      count: entry.mode === 'seed' ? 0 : this.#outputsPerTask(entry),
      prompt_version: this.#options.promptVersion,
    };
  }
}

function pick<T extends { weight: number }>(entries: readonly T[], u: number): T | undefined {
  const total = entries.reduce((s, e) => s + e.weight, 0);
  let x = u * total;
  for (const e of entries) {
    if (x < e.weight) return e;
    x -= e.weight;
  }
  return entries[entries.length - 1];
}
