/**
 * The small JSON files beside an encoder-decoder checkpoint's tokenizer.json, so that `transformers` opens its
 * tokenizer and generates with it unchanged: generation_config.json (as T5ForConditionalGeneration.save_pretrained
 * writes it), tokenizer_config.json and special_tokens_map.json. The tokenizer class is PreTrainedTokenizerFast,
 * which reads tokenizer.json as it is, whether it is T5's SentencePiece Unigram (kept from --init) or the
 * byte-level BPE of a from-scratch student; its special tokens are the texts config.json's ids name.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { TRANSFORMERS_VERSION } from './gpt2-config.ts';
import type { T5Config } from './t5-config.ts';

export function t5GenerationConfigFile(config: T5Config): string {
  return formatJson({
    decoder_start_token_id: config.decoderStartTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    transformers_version: TRANSFORMERS_VERSION,
  });
}

export function t5TokenizerConfigFiles(tokenizerJson: string, config: T5Config): { tokenizerConfig: string; specialTokensMap: string } {
  const tokens = tokenTexts(tokenizerJson);
  const text = (id: number, key: string): string => {
    const t = tokens.byId.get(id);
    if (t === undefined) {
      throw new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `tokenizer.json has no token with id ${id} (${key})`, { details: { id, key } });
    }
    return t;
  };
  const special: Record<string, string> = {
    eos_token: text(config.eosTokenId, 'eos_token_id'),
    pad_token: text(config.padTokenId, 'pad_token_id'),
  };
  if (tokens.unkId !== undefined) special.unk_token = text(tokens.unkId, 'model.unk_id');
  const decoder: Record<string, unknown> = {};
  for (const [id, added] of [...tokens.added].sort(([a], [b]) => a - b)) {
    decoder[String(id)] = {
      content: added.content, lstrip: added.lstrip ?? false, normalized: added.normalized ?? false,
      rstrip: added.rstrip ?? false, single_word: added.single_word ?? false, special: added.special ?? true,
    };
  }
  const tokenizerConfig = {
    added_tokens_decoder: decoder,
    clean_up_tokenization_spaces: false,
    ...special,
    model_max_length: 512,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  return { tokenizerConfig: formatJson(tokenizerConfig), specialTokensMap: formatJson(special) };
}

interface TokenTexts {
  byId: Map<number, string>;
  unkId: number | undefined;
  added: Map<number, Record<string, unknown>>;
}

/** Token text by id from tokenizer.json: a Unigram vocab (a list of [piece, score]) or a BPE one (text → id). */
function tokenTexts(text: string): TokenTexts {
  const raw: unknown = JSON.parse(text);
  const byId = new Map<number, string>();
  const added = new Map<number, Record<string, unknown>>();
  let unkId: number | undefined;
  if (isRecord(raw) && isRecord(raw.model)) {
    const vocab = raw.model.vocab;
    if (Array.isArray(vocab)) {
      vocab.forEach((entry: unknown, id) => {
        if (Array.isArray(entry) && typeof entry[0] === 'string') byId.set(id, entry[0]);
      });
    } else if (isRecord(vocab)) {
      for (const [token, id] of Object.entries(vocab)) if (typeof id === 'number') byId.set(id, token);
    }
    if (typeof raw.model.unk_id === 'number') unkId = raw.model.unk_id;
  }
  for (const a of isRecord(raw) && Array.isArray(raw.added_tokens) ? raw.added_tokens : []) {
    if (isRecord(a) && typeof a.id === 'number' && typeof a.content === 'string') {
      byId.set(a.id, a.content);
      added.set(a.id, a);
    }
  }
  return { byId, unkId, added };
}

function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
