/**
 * Reads a Hugging Face `tokenizer.json` holding a SentencePiece Unigram model (T5's, Flan-T5's, or one converted
 * from a `.model` file). Supported: the normalizers in normalizer.ts, a Metaspace pre-tokenizer, no post-processor
 * or a TemplateProcessing one (ignored: encode() adds no special tokens), the decoders in decoder.ts, added tokens
 * without lstrip/rstrip/single_word. The model needs `unk_id` (T5: `<unk>`, id 2) and the end token `</s>` (T5:
 * id 1). Anything else is TOKENIZER_INVALID naming the source and what is unsupported. `truncation` and `padding`
 * are ignored, as for the byte-level BPE.
 */
import { invalidTokenizer } from '../spec.ts';
import type { AddedTokenMatch } from '../pretokenize.ts';
import type { Tokenizer } from '../tokenizer.ts';
import { readDecoder } from './decoder.ts';
import { parseRoot, readAddedTokens } from '../json-file.ts';
import { describe, isObject, type Fail } from './json.ts';
import { readPreTokenizer } from './metaspace.ts';
import { UnigramModel } from './model.ts';
import { readNormalizer } from './normalizer.ts';
import { UnigramTokenizer } from './tokenizer.ts';

export const UNIGRAM_EOS_TOKEN = '</s>';

export function parseUnigramTokenizerJson(text: string, source = 'tokenizer.json'): Tokenizer {
  const fail: Fail = (problem, cause) => invalidTokenizer(source, problem, cause);
  const root = parseRoot(text, fail);
  const model = root['model'];
  if (!isObject(model)) throw fail('model is missing or not an object');
  if (model['type'] !== 'Unigram') throw fail(`unsupported model.type ${describe(model['type'])}; expected "Unigram"`);
  const pieces = readPieces(model['vocab'], fail);
  const unkId = model['unk_id'];
  if (typeof unkId !== 'number' || !Number.isInteger(unkId) || unkId < 0 || unkId >= pieces.length) {
    throw fail(`model.unk_id ${JSON.stringify(unkId)} is not an id in model.vocab (an unknown piece is required)`);
  }
  const byteFallback = model['byte_fallback'] ?? false;
  if (typeof byteFallback !== 'boolean') throw fail('model.byte_fallback is not a boolean');

  const post = root['post_processor'];
  if (post != null && !(isObject(post) && post['type'] === 'TemplateProcessing')) {
    throw fail(`unsupported post_processor ${describe(post)}; only TemplateProcessing is supported`);
  }
  const addedTokens = readVocabAddedTokens(root['added_tokens'], pieces, fail);
  const tokens: (string | undefined)[] = pieces.map(([piece]) => piece);
  for (const added of addedTokens) tokens[added.id] = added.content;
  const holes = tokens.findIndex((t) => t === undefined);
  if (holes >= 0) throw fail(`no token has id ${holes}, below the largest id ${tokens.length - 1}`);
  const eosId = tokens.lastIndexOf(UNIGRAM_EOS_TOKEN);
  if (eosId < 0) throw fail(`neither model.vocab nor added_tokens has ${UNIGRAM_EOS_TOKEN}`);

  return new UnigramTokenizer({
    model: new UnigramModel({ pieces, unkId, byteFallback }),
    normalize: readNormalizer(root['normalizer'], source, fail),
    preTokenize: readPreTokenizer(root['pre_tokenizer'], fail),
    decode: readDecoder(root['decoder'], fail),
    addedTokens,
    tokens,
    eosId,
    json: text,
  });
}

function readPieces(value: unknown, fail: Fail): [string, number][] {
  if (!Array.isArray(value) || value.length === 0) throw fail('model.vocab is missing or not a non-empty array');
  return value.map((entry: unknown, i): [string, number] => {
    if (Array.isArray(entry) && entry.length === 2) {
      const [piece, score]: unknown[] = entry;
      if (typeof piece === 'string' && piece !== '' && typeof score === 'number' && Number.isFinite(score)) return [piece, score];
    }
    throw fail(`model.vocab[${i}] is ${JSON.stringify(entry)}, not ["piece", score]`);
  });
}

/** The file's added tokens, each checked against the pieces it may share an id with. */
function readVocabAddedTokens(value: unknown, pieces: readonly [string, number][], fail: Fail): AddedTokenMatch[] {
  const ids = new Map(pieces.map(([piece], id) => [piece, id]));
  return readAddedTokens(value, fail).map(({ id, content, normalized }): AddedTokenMatch => {
    const inVocab = ids.get(content);
    if (inVocab !== undefined && inVocab !== id) throw fail(`added token ${JSON.stringify(content)} has id ${id} but model.vocab says ${inVocab}`);
    if (inVocab === undefined && id < pieces.length) throw fail(`added token ${JSON.stringify(content)} reuses id ${id} of model.vocab`);
    return { id, content, normalized };
  });
}
