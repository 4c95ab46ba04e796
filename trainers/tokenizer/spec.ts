/**
 * The content of a byte-level BPE tokenizer, by token strings (what `tokenizer.json` holds), and its resolution to
 * ids with the checks HF `tokenizers` makes when it loads one: every merge names known tokens and yields a known
 * token. We also require the 256 byte symbols (without them some inputs could not be encoded) and `<|endoftext|>`.
 */
import { ErrorCodes, LaminiError } from '../../common/errors.ts';
import { BYTE_TO_SYMBOL } from './byte-level.ts';

/** Ends a response; also used as padding. */
export const EOS_TOKEN = '<|endoftext|>';

/** Ids are packed in pairs as `left * idLimit + right`; keep that exact. */
export const MAX_VOCAB_SIZE = 1 << 24;

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
  /** Whether HF matches it on normalized text (see `AddedTokenSplitter`); false for tokens we create. */
  readonly normalized: boolean;
}

export interface ByteLevelBpeSpec {
  /** The model's vocabulary: byte-level token string → id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, as token strings. */
  readonly merges: readonly (readonly [string, string])[];
  readonly addedTokens: readonly AddedToken[];
}

export interface ResolvedSpec {
  readonly vocabSize: number;
  readonly eosId: number;
  readonly byteIds: Int32Array;
  /** `[left, right, merged]` ids in rank order. */
  readonly merges: readonly (readonly [number, number, number])[];
  /** Token string by id (an added token's content for its id); undefined where the ids have a hole. */
  readonly tokens: readonly (string | undefined)[];
}

/** The one error a bad tokenizer file raises: `TOKENIZER_INVALID`, one line naming the source and the problem. */
export function invalidTokenizer(source: string, problem: string, cause?: unknown): LaminiError {
  return new LaminiError(ErrorCodes.TOKENIZER_INVALID, `${source}: ${problem}`, {
    details: { source, problem },
    ...(cause === undefined ? {} : { cause }),
  });
}

export function resolveSpec(spec: ByteLevelBpeSpec, source: string): ResolvedSpec {
  let maxId = -1;
  const tokens: (string | undefined)[] = [];
  const seen = new Map<number, string>();
  for (const [token, id] of spec.vocab) {
    const other = seen.get(id);
    if (other !== undefined) throw invalidTokenizer(source, `model.vocab gives id ${id} to both ${q(other)} and ${q(token)}`);
    seen.set(id, token);
    tokens[id] = token;
    maxId = Math.max(maxId, id);
  }
  for (const added of spec.addedTokens) {
    const inVocab = spec.vocab.get(added.content);
    if (inVocab !== undefined && inVocab !== added.id) {
      throw invalidTokenizer(source, `added token ${q(added.content)} has id ${added.id} but model.vocab says ${inVocab}`);
    }
    const other = seen.get(added.id);
    if (inVocab === undefined && other !== undefined) {
      throw invalidTokenizer(source, `added token ${q(added.content)} reuses id ${added.id} of ${q(other)}`);
    }
    seen.set(added.id, added.content);
    tokens[added.id] = added.content;
    maxId = Math.max(maxId, added.id);
  }
  if (maxId + 1 > MAX_VOCAB_SIZE) throw invalidTokenizer(source, `vocabulary of ${maxId + 1} ids is over ${MAX_VOCAB_SIZE}`);

  const byteIds = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    const id = spec.vocab.get(BYTE_TO_SYMBOL[b] ?? '');
    if (id === undefined) throw invalidTokenizer(source, `model.vocab lacks the byte symbol ${q(BYTE_TO_SYMBOL[b] ?? '')} (byte ${b})`);
    byteIds[b] = id;
  }

  const merges = spec.merges.map(([left, right], rank): [number, number, number] => {
    const a = spec.vocab.get(left);
    const b = spec.vocab.get(right);
    const merged = spec.vocab.get(left + right);
    const name = `model.merges[${rank}] ${q(`${left} ${right}`)}`;
    if (a === undefined) throw invalidTokenizer(source, `${name} refers to ${q(left)}, which is not in model.vocab`);
    if (b === undefined) throw invalidTokenizer(source, `${name} refers to ${q(right)}, which is not in model.vocab`);
    if (merged === undefined) throw invalidTokenizer(source, `${name} yields ${q(left + right)}, which is not in model.vocab`);
    return [a, b, merged];
  });

  const eos = spec.addedTokens.find((t) => t.content === EOS_TOKEN);
  if (eos === undefined) throw invalidTokenizer(source, `added_tokens has no ${EOS_TOKEN}`);
  return { vocabSize: maxId + 1, eosId: eos.id, byteIds, merges, tokens };
}

function q(text: string): string {
  return JSON.stringify(text);
}
