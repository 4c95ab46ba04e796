/**
 * The small JSON files that let `transformers` open a checkpoint's tokenizer and generate with it unchanged:
 * tokenizer_config.json and special_tokens_map.json (what GPT2TokenizerFast.save_pretrained writes for a
 * byte-level BPE; GPT-2's one special token `<|endoftext|>` is bos, eos and unk at once, and unk is the eos token here too) and
 * generation_config.json. tokenizer.json itself is the caller's, kept verbatim; it is only checked here: JSON,
 * its eos id names a token, and no token id is outside the model's vocabulary.
 */
import { LaminiError, ErrorCodes } from '../../common/errors.ts';
import { TRANSFORMERS_VERSION, type Gpt2Config } from './gpt2-config.ts';

export interface TokenizerSummary {
  /** The texts of the tokens `config.bosTokenId` and `config.eosTokenId` name. */
  bosToken: string;
  eosToken: string;
  /** `added_tokens` as tokenizer.json lists them, by id. */
  addedTokens: Map<number, Record<string, unknown>>;
}

/** Checks tokenizer.json's text against the config; `file` names it in errors. */
export function summarizeTokenizer(text: string, config: Gpt2Config, file: string): TokenizerSummary {
  const fail = (problem: string): LaminiError =>
    new LaminiError(ErrorCodes.CHECKPOINT_INVALID, `${file}: ${problem}`, { details: { file } });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw fail('not valid JSON');
  }
  if (!isRecord(raw) || !isRecord(raw.model) || !isRecord(raw.model.vocab)) throw fail('has no model.vocab object');
  const tokens = new Map<number, string>();
  const addedTokens = new Map<number, Record<string, unknown>>();
  for (const [token, id] of Object.entries(raw.model.vocab)) {
    if (typeof id === 'number') tokens.set(id, token);
  }
  for (const added of Array.isArray(raw.added_tokens) ? raw.added_tokens : []) {
    if (isRecord(added) && typeof added.id === 'number' && typeof added.content === 'string') {
      tokens.set(added.id, added.content);
      addedTokens.set(added.id, added);
    }
  }
  for (const id of tokens.keys()) {
    if (!Number.isSafeInteger(id) || id < 0 || id >= config.vocabSize) {
      throw fail(`token id ${id} is outside the model's vocabulary (vocab_size ${config.vocabSize})`);
    }
  }
  const eosToken = tokens.get(config.eosTokenId);
  if (eosToken === undefined) throw fail(`has no token with id ${config.eosTokenId} (eos_token_id)`);
  const bosToken = tokens.get(config.bosTokenId);
  if (bosToken === undefined) throw fail(`has no token with id ${config.bosTokenId} (bos_token_id)`);
  return { bosToken, eosToken, addedTokens };
}

/** tokenizer_config.json and special_tokens_map.json, as GPT2TokenizerFast.save_pretrained writes them. */
export function tokenizerConfigFiles(config: Gpt2Config, summary: TokenizerSummary): { tokenizerConfig: string; specialTokensMap: string } {
  const decoder: Record<string, unknown> = {};
  for (const [id, added] of [...summary.addedTokens].sort(([a], [b]) => a - b)) {
    decoder[String(id)] = {
      content: added.content,
      lstrip: added.lstrip ?? false,
      normalized: added.normalized ?? false,
      rstrip: added.rstrip ?? false,
      single_word: added.single_word ?? false,
      special: added.special ?? true,
    };
  }
  const { bosToken: bos, eosToken: eos } = summary;
  const tokenizerConfig = {
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    bos_token: bos,
    clean_up_tokenization_spaces: false,
    eos_token: eos,
    model_max_length: config.context,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: eos,
  };
  const specialTokensMap = { bos_token: bos, eos_token: eos, unk_token: eos };
  return { tokenizerConfig: formatJson(tokenizerConfig), specialTokensMap: formatJson(specialTokensMap) };
}

/** generation_config.json, as GPT2LMHeadModel.save_pretrained writes it. */
export function generationConfigFile(config: Gpt2Config): string {
  return formatJson({
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    transformers_version: TRANSFORMERS_VERSION,
  });
}

function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
