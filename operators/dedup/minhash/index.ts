/**
 * The MinHash LSH near-duplicate index: shingle (shingle.ts) → sign (sign.ts) → candidates (lsh.ts) →
 * verify (verify.ts), keep-first. A record duplicates the earlier kept record with the highest exact
 * Jaccard ≥ threshold among its LSH candidates (ties: the earliest kept). It implements `DedupIndex`,
 * checking the exact id first, so the dedup operator can tell a replay from a new duplicate.
 */
import { LaminiError, ErrorCodes } from '../../../common/errors.ts';
import type { DedupIndex } from '../index-exact.ts';
import { minhashName, resolveMinHashConfig, type MinHashConfig, type MinHashOptions } from './config.ts';
import { seededInts } from './mix.ts';
import { bandKeys, LshTable } from './lsh.ts';
import { Shingler } from './shingle.ts';
import { createSigner, type Signer } from './sign.ts';
import { decodeSnapshot, encodeSnapshot, type SnapshotCovers } from './snapshot.ts';
import { RecordStore } from './store.ts';
import { intersectionSize, jaccard, sizesCanMatch, UniqueFilter } from './verify.ts';

export { chooseBands, candidateProbability, minhashName, minhashOptions, resolveMinHashConfig, MINHASH_DEFAULTS } from './config.ts';
export type { MinHashConfig, MinHashOptions } from './config.ts';
export type { SignatureMode } from './sign.ts';
export type { SnapshotCovers } from './snapshot.ts';
export { canonicalShingles, canonicalTokens, Shingler } from './shingle.ts';
export { createSigner } from './sign.ts';

export interface NearMatch {
  /** Number of the kept record (0-based, in keep order). */
  record: number;
  id: string;
  jaccard: number;
}

export class MinHashIndex implements DedupIndex {
  readonly config: MinHashConfig;
  readonly name: string;
  readonly #shingler: Shingler;
  readonly #signer: Signer;
  readonly #bandSeed: number;
  #table: LshTable;
  #store: RecordStore;
  readonly #sig: Int32Array;
  readonly #keys: Int32Array;
  #sorted = new Uint32Array(256);
  #sortedSigned = new Int32Array(this.#sorted.buffer);
  #n = 0;
  /** Whether `#sorted[0..#n)` has been sorted (only needed once a candidate is verified). */
  #isSorted = false;
  readonly #unique = new UniqueFilter();
  /** The text whose shingles, signature and band keys are in the scratch buffers. */
  #prepared: string | undefined;

  constructor(options: Partial<MinHashOptions> = {}) {
    this.config = resolveMinHashConfig(options);
    this.name = minhashName(this.config);
    this.#shingler = new Shingler(this.config.ngram, this.config.seed);
    this.#signer = createSigner(this.config.signature, this.config.numPerm, this.config.seed);
    this.#bandSeed = seededInts(this.config.seed, 0xba, 1)[0]!;
    this.#table = new LshTable(this.config.bands);
    this.#store = new RecordStore();
    this.#sig = new Int32Array(this.config.numPerm);
    this.#keys = new Int32Array(this.config.bands);
  }

  get size(): number {
    return this.#store.size;
  }

  /** Ids of the kept records, in keep order. */
  get keptIds(): readonly string[] {
    return this.#store.ids;
  }

  /** DedupIndex: the id itself when it is already kept, else the best near-duplicate's id. */
  find(id: string, text: string): string | undefined {
    if (this.#store.lookup(id) >= 0) return id;
    return this.match(text)?.id;
  }

  /** DedupIndex: keeps the record (the caller has decided it is not a duplicate). */
  insert(id: string, text: string): void {
    this.#prepare(text);
    const record = this.#store.add(id, this.#sorted, this.#n, this.#isSorted);
    this.#table.insert(this.#keys);
    if (record !== this.#table.records - 1) throw new LaminiError(ErrorCodes.INTERNAL, 'minhash index: store and table out of step');
  }

  /** The earlier kept record with the highest Jaccard ≥ threshold, or undefined. */
  match(text: string): NearMatch | undefined {
    this.#prepare(text);
    const count = this.#table.candidates(this.#keys);
    if (count === 0) return undefined;
    const found = this.#table.found;
    const store = this.#store;
    const n = this.#n;
    const t = this.config.threshold;
    let best = -1;
    let bestJ = 0;
    for (let c = 0; c < count; c++) {
      const rec = found[c]!;
      const len = store.length.get(rec);
      if (!sizesCanMatch(n, len, t)) continue;
      if (!this.#isSorted) {
        this.#sorted.subarray(0, n).sort();
        this.#isSorted = true;
      }
      store.ensureSorted(rec);
      const inter = intersectionSize(this.#sorted, 0, n, store.pages[store.page.get(rec)]!, store.offset.get(rec), len);
      const j = jaccard(n, len, inter);
      if (j >= t && (j > bestJ || (j === bestJ && rec < best))) {
        best = rec;
        bestJ = j;
      }
    }
    return best < 0 ? undefined : { record: best, id: store.ids[best]!, jaccard: bestJ };
  }

  /** Keep-first in one call: the match when `text` duplicates a kept record, else keeps it. */
  offer(id: string, text: string): NearMatch | undefined {
    const m = this.match(text);
    if (m === undefined) this.insert(id, text);
    return m;
  }

  /** The index as bytes, with `covers` (the input positions it reflects) stored beside it. */
  snapshot(covers: SnapshotCovers): Uint8Array {
    const s = this.#store;
    return encodeSnapshot({
      config: this.config, covers, ids: s.ids,
      lengths: s.length.toArray(), shingles: this.#packedShingles(), keys: this.#table.keysArray(),
    });
  }

  /** An index and the positions it covers, from `snapshot()` bytes. Replay the input after `covers`. */
  static restore(bytes: Uint8Array): { index: MinHashIndex; covers: SnapshotCovers } {
    const snap = decodeSnapshot(bytes);
    const index = new MinHashIndex(snap.config);
    const store = new RecordStore();
    let at = 0;
    for (let r = 0; r < snap.ids.length; r++) {
      const len = snap.lengths[r]!;
      store.add(snap.ids[r]!, snap.shingles.subarray(at, at + len), len, true);
      at += len;
    }
    index.#store = store;
    index.#table = LshTable.fromKeys(index.config.bands, snap.keys);
    return { index, covers: snap.covers };
  }

  /** Bytes held in typed arrays (ids, as JS strings, are not counted here). */
  get bytes(): number {
    return this.#store.bytes + this.#table.bytes;
  }

  #packedShingles(): Uint32Array {
    const s = this.#store;
    let total = 0;
    for (let r = 0; r < s.size; r++) total += s.length.get(r);
    const out = new Uint32Array(total);
    let at = 0;
    for (let r = 0; r < s.size; r++) {
      s.ensureSorted(r);
      const off = s.offset.get(r);
      const len = s.length.get(r);
      out.set(s.pages[s.page.get(r)]!.subarray(off, off + len), at);
      at += len;
    }
    return out;
  }

  #prepare(text: string): void {
    if (this.#prepared === text) return;
    const raw = this.#shingler.shingle(text);
    if (this.#sorted.length < raw) {
      this.#sorted = new Uint32Array(raw * 2);
      this.#sortedSigned = new Int32Array(this.#sorted.buffer);
    }
    this.#n = this.#unique.run(this.#shingler.hashes, raw, this.#sortedSigned);
    this.#isSorted = false;
    this.#signer.sign(this.#sortedSigned, this.#n, this.#sig);
    bandKeys(this.#sig, this.config.bands, this.config.rows, this.#bandSeed, this.#keys);
    this.#prepared = text;
  }
}
